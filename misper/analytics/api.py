"""API routes for misper.analytics (mounted at /api/v1/)."""

from ninja import Router

router = Router(tags=["analytics"])
