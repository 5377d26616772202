"""API routes for misper.learning (mounted at /api/v1/)."""

from ninja import Router

router = Router(tags=["learning"])
