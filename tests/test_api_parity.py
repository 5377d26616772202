"""Every action a user can take on a page is an API operation (issue 19, part 3): a partner's case system
can do through the API whatever its staff can do on the pages, with the same service and access rule.

The page actions are derived, never listed by hand: every URL pattern whose view accepts a POST (a
class-based view with a ``post`` method; a function view counts as accepting one, since Django cannot say)
comes from the URL resolver. Each must be in exactly one of:

- ``PAGE_TO_OPERATION``: the API operation that does the same thing through the same service, named as
  the OpenAPI document names it (``"METHOD /api/v1/path/{param}"``, as in ``route_matrix.API``);
- ``NO_API``: why there is deliberately none (signing in, a person's own credentials, the child's form);
- ``NOT_YET``: the operation it will be, not built yet. The test fails as soon as that operation exists
  (move the entry to ``PAGE_TO_OPERATION``), and the list may not grow past ``NOT_YET_MOST``: it only
  shrinks.

A new page that accepts a POST fails here until it has an operation or a reason.
"""

from __future__ import annotations

from collections.abc import Iterator

from django.urls import URLPattern, URLResolver, get_resolver

from misper.config.api import api

PAGE_TO_OPERATION: dict[str, str] = {
    # people: finding a child, a child's record, flags, photo, people and places of concern
    "children/search": "POST /api/v1/children/search",
    "children/new": "POST /api/v1/children",
    "children/<int:child_id>/photo/new": "POST /api/v1/children/{child_id}/photo",
    "children/<int:child_id>/flags/new": "POST /api/v1/children/{child_id}/flags",
    "flags/<int:flag_id>/expire": "POST /api/v1/flags/{flag_id}/expire",
    "flags/<int:flag_id>/review": "POST /api/v1/flags/{flag_id}/review",
    "children/<int:child_id>/associates/new": "POST /api/v1/children/{child_id}/associates",
    "children/<int:child_id>/associates/<int:link_id>": "POST /api/v1/children/{child_id}/associates/{link_id}",
    "children/<int:child_id>/associates/<int:link_id>/end": (
        "POST /api/v1/children/{child_id}/associates/{link_id}/end"
    ),
    "people/new": "POST /api/v1/people",
    # the person's page issues a child abduction warning notice to them
    "people/<int:person_id>": "POST /api/v1/people/{person_id}/cawns",
    # the child's CAWN page issues one to an adult linked to the child; a notice to an adult not yet on
    # file is POST /api/v1/people, then the link, then the notice (the page does the three at once)
    "children/<int:child_id>/cawns": "POST /api/v1/people/{person_id}/cawns",
    "children/<int:child_id>/cawns/<int:cawn_id>/breaches": (
        "POST /api/v1/children/{child_id}/cawns/{cawn_id}/breaches"
    ),
    "places/new": "POST /api/v1/places",
    "children/<int:child_id>/places/new": "POST /api/v1/children/{child_id}/places",
    # episodes: report (a misper/1 document, as the form builds), grade, work, found, close
    "children/<int:child_id>/report": "POST /api/v1/episodes",
    "episodes/<int:episode_id>/grade": "POST /api/v1/episodes/{episode_id}/grading",
    "episodes/<int:episode_id>/suggestions/confirm": "POST /api/v1/episodes/{episode_id}/suggestions/confirm",
    "episodes/<int:episode_id>/answers": "POST /api/v1/episodes/{episode_id}/answers",
    "episodes/<int:episode_id>/found": "POST /api/v1/episodes/{episode_id}/found",
    "episodes/<int:episode_id>/safe-and-well": "POST /api/v1/episodes/{episode_id}/safe-and-well",
    "episodes/<int:episode_id>/close": "POST /api/v1/episodes/{episode_id}/close",
    "episodes/<int:episode_id>/actions/new": "POST /api/v1/episodes/{episode_id}/actions",
    # "assign to me" and "reassign" are one operation: leave ``assigned_to`` out to take it yourself
    "episodes/<int:episode_id>/actions/<int:action_id>/assign": (
        "POST /api/v1/episodes/{episode_id}/actions/{action_id}/assign"
    ),
    "episodes/<int:episode_id>/actions/<int:action_id>/reassign": (
        "POST /api/v1/episodes/{episode_id}/actions/{action_id}/assign"
    ),
    "episodes/<int:episode_id>/actions/<int:action_id>/done": (
        "POST /api/v1/episodes/{episode_id}/actions/{action_id}/complete"
    ),
    "episodes/<int:episode_id>/actions/<int:action_id>/cancel": (
        "POST /api/v1/episodes/{episode_id}/actions/{action_id}/cancel"
    ),
    # a supervisor's review (a re-grade follows the grading rules) and a handover (misper.episodes.api_reviews)
    "episodes/<int:episode_id>/review": "POST /api/v1/episodes/{episode_id}/reviews",
    "episodes/<int:episode_id>/handover": "POST /api/v1/episodes/{episode_id}/handover",
    # a supervisor's decision on a grading below the recommendation (four eyes and floors in the service)
    "assessments/<int:assessment_id>/decide": "POST /api/v1/assessments/{assessment_id}/decision",
    # the UK Missing Persons Unit notice: recording that it was sent (docs/ukmpu.md)
    "episodes/<int:episode_id>/ukmpu": "POST /api/v1/episodes/{episode_id}/ukmpu-notice",
    # incidents from command and control: add a waiting incident to the child's open episode
    "incidents/<int:incident_id>/add": "POST /api/v1/incidents/{incident_id}/episode",
    # partners
    "alerts/<int:alert_id>/acknowledge": "POST /api/v1/alerts/{alert_id}/acknowledge",
    "placements/<int:notice_id>/end": "POST /api/v1/placements/{notice_id}/end",
    "placements/new": "POST /api/v1/placements",
    "placements/<int:notice_id>/acknowledge": "POST /api/v1/placements/{notice_id}/acknowledge",
    # the CSV download of the notices: the same rows as JSON (lists.list_read), logged as a list
    "placements/export.csv": "GET /api/v1/placements",
    # the shared risk tool: the same engine on the answers as a misper/1 document (the page's form fills
    # one, with the child's shared facts from GET /api/v1/children/{id}); stores nothing either way
    "risk-tool": "POST /api/v1/assessments",
    # trigger plans and return interviews (misper.partners.api_plans, api_interviews)
    "children/<int:child_id>/trigger-plan/new": "POST /api/v1/children/{child_id}/trigger-plan",
    "return-interviews/<int:interview_id>": "POST /api/v1/return-interviews/{interview_id}",
    # the CSV download of the queue: the API gives the same rows (lists.list_read, the same column
    # allow-list) as JSON, logged as a list
    "return-interviews/export.csv": "GET /api/v1/return-interviews",
    # care homes: the profile, and reporting the child missing from the home (misper.partners.api_care)
    "children/<int:child_id>/care-profile": "POST /api/v1/children/{child_id}/care-profile",
    "children/<int:child_id>/care-profile/report-missing": "POST /api/v1/children/{child_id}/care-home-reports",
    # the police report made from a care home's report: the report section of a misper/1 document
    "care-home-reports/<int:notification_id>/report": "POST /api/v1/care-home-reports/{notification_id}/report",
    # the child's feedback: a one-time link for the child, or answers recorded for them (learning.api_feedback)
    "episodes/<int:episode_id>/feedback-link": "POST /api/v1/episodes/{episode_id}/feedback-link",
    "episodes/<int:episode_id>/feedback": "POST /api/v1/episodes/{episode_id}/feedback",
    # panels and meetings (misper.partners.api_panels)
    "panels/meetings/new": "POST /api/v1/panels/meetings",
    "panels/meetings/<int:meeting_id>/actions/<int:meeting_action_id>/done": (
        "POST /api/v1/panels/meetings/{meeting_id}/actions/{meeting_action_id}/done"
    ),
    # the recommendations tracker (misper.learning.api_recommendations)
    "learning/recommendations/new": "POST /api/v1/recommendations",
    "learning/recommendations/<int:rec_id>/edit": "POST /api/v1/recommendations/{rec_id}",
    "learning/recommendations/<int:rec_id>/actions/new": "POST /api/v1/recommendations/{rec_id}/actions",
    "learning/recommendations/<int:rec_id>/actions/<int:action_id>/edit": (
        "POST /api/v1/recommendations/{rec_id}/actions/{action_id}"
    ),
    "learning/recommendations/<int:rec_id>/updates/new": "POST /api/v1/recommendations/{rec_id}/updates",
    "learning/recommendations/<int:rec_id>/evidence/new": "POST /api/v1/recommendations/{rec_id}/evidence",
    # national
    "national/review/<int:pk>": "POST /api/v1/national/review/{pair_id}/decision",
}

NO_API: dict[str, str] = {
    "sign-in": "Signing in to a browser session; the API authenticates each request with a bearer token.",
    "sign-in/code": "The second step of a browser sign-in; a bearer token is issued to a person who has "
    "passed it (misper token, or /account/api-tokens).",
    "sign-in/enrol": "Setting up a person's authenticator app: only that person, in the browser.",
    "sign-out": "Ends a browser session; an API client's token is revoked by its holder instead.",
    "account/api-tokens/<int:token_id>/revoke": "Tokens are managed by a person signed in with their second "
    "factor (or misper token --revoke), so that a leaked token cannot manage tokens.",
    "account/users/<int:user_id>/reset-2fa": "Resetting a person's second factor is an administrator's "
    "decision in the browser, with their own second factor; never from a token.",
    "feedback/<str:code>": "The child's own feedback form: no sign-in, a one-time code in a link; not "
    "something an agency's system does.",
    "audit/log/export": "The access log leaves misper only as a file a signed-in auditor downloads with a "
    "purpose (or misper audit export); a token must not be able to pull the whole log.",
    "audit/retention/episodes/<int:episode_id>": "Deleting a record at the end of its retention period is "
    "irreversible: a signed-in reviewer decides it on the page, one record at a time.",
    "audit/retention/children/<int:child_id>": "Deleting a record at the end of its retention period is "
    "irreversible: a signed-in reviewer decides it on the page, one record at a time.",
}

# Page actions with no operation yet, each with the operation it will be. When one is built the test
# fails until the entry moves to PAGE_TO_OPERATION, so this list only shrinks.
NOT_YET: dict[str, str] = {}
NOT_YET_MOST = 0


def _accepts_post(pattern: URLPattern) -> bool:
    view_class = getattr(pattern.callback, "view_class", None)
    if view_class is None:
        return True  # a function view: Django cannot say which methods it takes, so it must be mapped
    return "post" in view_class.http_method_names and callable(getattr(view_class, "post", None))


def page_actions(patterns: list[object] | None = None, prefix: str = "") -> Iterator[str]:
    """Every web URL pattern (as Django prints it) whose view accepts a POST; API operations excluded."""
    for p in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(p, URLResolver):
            yield from page_actions(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern) and _accepts_post(p):
            route = prefix + str(p.pattern)
            if not route.startswith("api/v1/"):
                yield route


def operations() -> set[str]:
    return {
        f"{method.upper()} {path}"
        for path, ops in api.get_openapi_schema()["paths"].items()
        for method in ops
    }


def test_the_page_actions_are_found():
    actions = set(page_actions())
    assert {
        "sign-in",
        "children/<int:child_id>/flags/new",
        "assessments/<int:assessment_id>/decide",
    } <= actions
    assert "children/<int:child_id>" not in actions  # the child page only shows


def test_every_page_action_has_an_operation_or_a_reason():
    placed = [PAGE_TO_OPERATION, NO_API, NOT_YET]
    unmapped = [a for a in page_actions() if sum(a in d for d in placed) != 1]
    assert not unmapped, (
        f"Page actions with no API operation (or in more than one list): {unmapped}. Add the operation "
        "and map it in PAGE_TO_OPERATION, or say in NO_API why there must be none."
    )


def test_every_mapped_operation_is_in_the_openapi_document():
    ops = operations()
    absent = {page: op for page, op in PAGE_TO_OPERATION.items() if op not in ops}
    assert not absent, f"Mapped to operations the API does not have: {absent}"


def test_no_entry_names_a_page_action_that_is_gone():
    actions = set(page_actions())
    stale = [a for d in (PAGE_TO_OPERATION, NO_API, NOT_YET) for a in d if a not in actions]
    assert not stale, f"No such page action any more: {stale}"


def test_the_not_yet_list_only_shrinks():
    built = {page: op for page, op in NOT_YET.items() if op in operations()}
    assert not built, f"These operations exist now: move them to PAGE_TO_OPERATION: {built}"
    assert len(NOT_YET) <= NOT_YET_MOST, "NOT_YET only shrinks: build the operation instead"


def test_every_reason_is_a_sentence():
    assert all(len(why) > 40 and why.endswith(".") for why in NO_API.values())
