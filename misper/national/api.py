"""API routes for misper.national (mounted at /api/v1/national)."""

from ninja import Router

router = Router(tags=["national"])
