"""The JSON API, version 1. One router per domain app; errors mapped to one shape here.

Every error body is ``{"detail": "…", "errors": [{"field": "…", "message": "…"}]}``.
"""

from __future__ import annotations

import logging
from typing import Any, Literal

from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.db import DatabaseError, DataError, connection
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI, Schema, Status
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer

from misper.accounts.services import api_token_user
from misper.core.errors import ConflictError, FieldError, InvalidInput
from misper.core.http import StrictJSONParser, UnreadableBody
from misper.risk import InvalidDocument

logger = logging.getLogger("misper.api")


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = api_token_user(token)
        if user is not None:
            request.user = user
        return user


# The shared error responses, declared once for every operation in the OpenAPI document (the handlers
# below produce them). 401 only where a bearer token is required.
ERROR_RESPONSES = {
    401: "Sign-in required: no valid bearer token",
    403: "Your role may not do this",
    404: "Not found, or not visible to you",
    409: "Refused in the record's current state, or a stale version",
    422: "The request is not valid: each field's problem is listed",
}
# Only where the operation reads a request body.
BODY_ERROR_RESPONSES = {
    400: "The request body cannot be read: not JSON, or not UTF-8",
    413: "The request body is too large",
}
ERROR_SCHEMAS = {
    "ErrorField": {
        "title": "ErrorField",
        "type": "object",
        "properties": {"field": {"type": "string"}, "message": {"type": "string"}},
        "required": ["field", "message"],
    },
    "Error": {
        "title": "Error",
        "type": "object",
        "properties": {
            "detail": {"type": "string"},
            "errors": {"type": "array", "items": {"$ref": "#/components/schemas/ErrorField"}},
        },
        "required": ["detail", "errors"],
    },
}


class MisperAPI(NinjaAPI):
    """NinjaAPI whose OpenAPI document declares the shared error responses on every operation."""

    def get_openapi_schema(self, **kwargs: Any) -> Any:
        schema = super().get_openapi_schema(**kwargs)
        schema.setdefault("components", {}).setdefault("schemas", {}).update(ERROR_SCHEMAS)
        body = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
        for operations in schema["paths"].values():
            for operation in operations.values():
                responses = operation.setdefault("responses", {})
                shared = ERROR_RESPONSES | (BODY_ERROR_RESPONSES if "requestBody" in operation else {})
                for status, description in shared.items():
                    if status == 401 and not operation.get("security"):
                        continue
                    responses.setdefault(status, {"description": description, "content": body})
        return schema


api = MisperAPI(
    title="misper API",
    version="1",
    description="Find, protect and help children who go missing. Bearer-token authentication.",
    urls_namespace="api-v1",
    auth=BearerToken(),
    docs_url="/docs",
    parser=StrictJSONParser(),
)


def _error(
    request: HttpRequest,
    status: int,
    detail: str,
    errors: list[dict[str, str]] | None = None,
    context: dict[str, Any] | None = None,
) -> HttpResponse:
    body = {"detail": detail, "errors": errors or [], **(context or {})}
    return api.create_response(request, body, status=status)


def _loc_to_field(loc: list[Any] | tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "payload", "data")]
    out = ""
    for p in parts:
        out += f"[{p}]" if p.isdigit() else (f".{p}" if out else p)
    return out or "body"


@api.exception_handler(NinjaValidationError)
def on_validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    errors = [
        {"field": _loc_to_field(e.get("loc", ())), "message": e.get("msg", "is not valid")}
        for e in exc.errors
    ]
    detail = "; ".join(f"{e['field']}: {e['message']}" for e in errors) or "The request is not valid."
    return _error(request, 422, detail, errors)


@api.exception_handler(InvalidInput)
def on_invalid_input(request: HttpRequest, exc: InvalidInput) -> HttpResponse:
    errors = [{"field": e.field, "message": e.message} for e in exc.errors]
    return _error(request, 422, str(exc), errors)


@api.exception_handler(ConflictError)
def on_conflict(request: HttpRequest, exc: ConflictError) -> HttpResponse:
    errors = [{"field": e.field, "message": e.message} for e in exc.errors]
    return _error(request, 409, str(exc), errors, exc.context)


@api.exception_handler(PermissionDenied)
def on_forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return _error(request, 403, str(exc) or "You do not have permission to do this.")


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error(request, 404, "Not found.")


@api.exception_handler(RequestDataTooBig)
def on_too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    return _error(request, 413, "The request body is too large: the limit is 2 MB.")


@api.exception_handler(AuthenticationError)
def on_unauthorised(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _error(request, 401, "Sign-in required: send an 'Authorization: Bearer <token>' header.")


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    # django-ninja wraps whatever the body parser raises in a bare 400 naming nothing: a body that is not
    # JSON stays a 400, a value our parser refused is a 422, each naming the field (misper.core.http).
    cause = exc.__cause__
    if isinstance(cause, InvalidInput):
        status = 400 if isinstance(cause, UnreadableBody) else 422
        return _error(
            request, status, str(cause), [{"field": e.field, "message": e.message} for e in cause.errors]
        )
    return _error(request, exc.status_code, str(exc))


@api.exception_handler(InvalidDocument)
def on_invalid_document(request: HttpRequest, exc: InvalidDocument) -> HttpResponse:
    """The risk engine refused a document a service built (normally turned into InvalidInput there)."""
    return _error(request, 422, str(exc), [{"field": exc.field, "message": exc.message}])


@api.exception_handler(OverflowError)
@api.exception_handler(DataError)
def on_out_of_range(request: HttpRequest, exc: Exception) -> HttpResponse:
    """A number too large for the database (an id or a count far beyond any record): nothing matched."""
    return _error(
        request,
        422,
        "A number in the request is out of range.",
        [{"field": "request", "message": "a number here is too large"}],
    )


@api.exception_handler(Exception)
def on_unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    """Never a stack trace to a user: log it with the request id and say so plainly."""
    request_id = getattr(request, "request_id", "")
    logger.exception("Unhandled error in %s %s (request %s)", request.method, request.path, request_id)
    return _error(
        request, 500, f"Something went wrong on our side. Quote request id {request_id} to support."
    )


class HealthOut(Schema):
    status: Literal["ok", "unavailable"]
    database: Literal["ok", "unavailable"]


@api.get("/health", auth=None, tags=["service"], response={200: HealthOut, 503: HealthOut})
def health(request: HttpRequest) -> Status[HealthOut]:
    """For load balancers and monitoring: 200 when the service can reach its database, else 503."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        logger.warning("Health check: the database is unavailable", exc_info=True)
        return Status(503, HealthOut(status="unavailable", database="unavailable"))
    return Status(200, HealthOut(status="ok", database="ok"))


def _register_routers() -> None:
    from misper.analytics.api import router as analytics_router
    from misper.episodes.api import router as episodes_router
    from misper.episodes.api_actions import router as actions_router
    from misper.episodes.api_answers import router as answers_router
    from misper.episodes.api_assessments import router as assessments_router
    from misper.episodes.api_reviews import router as reviews_router
    from misper.episodes.api_ukmpu import router as ukmpu_router
    from misper.incidents.api import router as incidents_router
    from misper.learning.api import router as learning_router
    from misper.learning.api_feedback import router as feedback_router
    from misper.learning.api_recommendations import router as recommendations_router
    from misper.national.api import router as national_router
    from misper.partners.api import router as partners_router
    from misper.partners.api_care import router as care_router
    from misper.partners.api_interviews import router as interviews_router
    from misper.partners.api_panels import router as panels_router
    from misper.partners.api_plans import router as plans_router
    from misper.people.api import router as people_router
    from misper.people.api_concern import router as concern_router

    api.add_router("/episodes", episodes_router)
    api.add_router("/episodes", actions_router)
    api.add_router("/episodes", reviews_router)  # /episodes/{id}/reviews, /handover
    api.add_router("/episodes", answers_router)
    api.add_router("/children", people_router)
    api.add_router("/assessments", assessments_router)
    api.add_router("", partners_router)  # /agencies, /subscriptions, /alerts
    api.add_router("", analytics_router)  # /dashboard, /national
    api.add_router("", learning_router)  # /feedback, /recommendations
    api.add_router("/national", national_router)
    api.add_router("", concern_router)  # /flags, /people, /places
    api.add_router("", ukmpu_router)  # /ukmpu-notices, /episodes/{id}/ukmpu-notice
    api.add_router("/incidents", incidents_router)
    api.add_router("", plans_router)  # /children/{id}/trigger-plan
    api.add_router("", interviews_router)  # /return-interviews
    api.add_router("", care_router)  # /children/{id}/care-profile, care-home-reports
    api.add_router("", panels_router)  # /panels/meetings
    api.add_router("", feedback_router)  # /episodes/{id}/feedback-link, /episodes/{id}/feedback
    api.add_router("", recommendations_router)  # /recommendations


_register_routers()

__all__ = ["FieldError", "api"]
