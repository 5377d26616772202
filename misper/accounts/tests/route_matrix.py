"""The permission matrix: what each role gets from every web page and API operation.

``test_permission_matrix.py`` enumerates every URL pattern (``django.urls.get_resolver``) and every API
operation (the OpenAPI document), requests each one as every role in a small seeded world
(``matrix_world.py``), and FAILS for any route that has no entry here, or whose outcome differs.

How to add an entry for a new route
-----------------------------------
- Web page: key is the URL pattern exactly as Django prints it, e.g. ``"children/<int:child_id>"``.
  API operation: key is ``"METHOD /api/v1/path/{param}"`` as in the OpenAPI document.
- Value: ``expect(default, **overrides)`` → ``Route``. ``default`` is the outcome for every role not named;
  name roles to override (``anonymous`` included). ``method="POST"`` requests a POST-only page with an
  empty form (a form's errors count as "ok": the access check was passed).
- Outcomes: ``OK`` (2xx, 302 elsewhere, 400, 409 or 422: access was granted), ``FORBIDDEN`` (403),
  ``NOT_FOUND`` (404: not visible, no existence leak), ``SIGN_IN`` (302 to /sign-in), ``UNAUTHORISED``
  (401: API without a token). A 500 always fails.
- Shorthands: ``web_signed_in()``, ``web_police()``, ``api_signed_in()``, ``api_police()``. A new path
  parameter name needs a filler in ``matrix_world.PARAMS``.
- Run ``MISPER_MATRIX_PRINT=1 pytest misper/accounts/tests/test_permission_matrix.py -s`` to print what
  every role actually gets, then check each outcome is what the access rule promises before copying it.
"""

from __future__ import annotations

from dataclasses import dataclass

OK, FORBIDDEN, NOT_FOUND, SIGN_IN, UNAUTHORISED = "ok", "403", "404", "sign-in", "401"
POLICE = ("call_handler", "investigating_officer", "coordinator", "supervisor", "duty_inspector", "analyst")
NON_POLICE = ("partner_practitioner", "auditor", "administrator")


@dataclass(frozen=True)
class Route:
    outcomes: dict[str, str]
    default: str
    method: str = "GET"
    note: str = ""

    def outcome(self, role: str) -> str:
        return self.outcomes.get(role, self.default)


def expect(default: str, *, method: str = "GET", note: str = "", **by_role: str) -> Route:
    return Route(outcomes=dict(by_role), default=default, method=method, note=note)


def _roles(roles: tuple[str, ...], outcome: str) -> dict[str, str]:
    return dict.fromkeys(roles, outcome)


def web_signed_in(method: str = "GET", **by_role: str) -> Route:
    return expect(OK, method=method, anonymous=SIGN_IN, **by_role)


def web_police(method: str = "GET", other: str = FORBIDDEN, **by_role: str) -> Route:
    """Police roles only; others get ``other`` (403, or 404 where the record is simply not visible)."""
    return expect(OK, method=method, anonymous=SIGN_IN, **{**_roles(NON_POLICE, other), **by_role})


def api_signed_in(**by_role: str) -> Route:
    return expect(OK, anonymous=UNAUTHORISED, **by_role)


def api_police(other: str = FORBIDDEN, **by_role: str) -> Route:
    return expect(OK, anonymous=UNAUTHORISED, **{**_roles(NON_POLICE, other), **by_role})


# The child (and so its episode) is visible to police in its force and to the partner practitioner at its
# placing authority; the auditor and administrator have no access to child records.
CHILD_VISIBLE = {"auditor": NOT_FOUND, "administrator": NOT_FOUND}

SUPERVISING = dict.fromkeys(("call_handler", "investigating_officer", "analyst"), FORBIDDEN)
# The outcomes dashboard: supervisors, coordinators, analysts and partner practitioners (their own children).
DASHBOARD = dict.fromkeys(
    ("supervisor", "duty_inspector", "coordinator", "analyst", "partner_practitioner"), OK
)
# Learning figures and the improvement tracker: supervisors, coordinators, analysts (read).
LEARNING_READ = dict.fromkeys(("supervisor", "duty_inspector", "coordinator", "analyst"), OK)
LEARNING_WRITE = dict.fromkeys(("supervisor", "duty_inspector", "coordinator"), OK)
EVERYONE = expect(OK)
# Incidents from command and control (misper.incidents.selectors): the control room and supervising roles.
INCIDENTS = dict.fromkeys(("call_handler", "supervisor", "duty_inspector", "coordinator"), OK)
# UK Missing Persons Unit notices (misper.episodes.ukmpu): the force's supervising roles.
NOTICES = dict.fromkeys(("supervisor", "duty_inspector", "coordinator"), OK)

WEB: dict[str, Route] = {
    # accounts / web
    "": web_signed_in(),
    "sign-in": EVERYONE,
    "sign-in/code": expect(SIGN_IN, note="no password step pending: back to step one"),
    "sign-in/enrol": expect(SIGN_IN, note="no password step pending: back to step one"),
    "sign-in/with/<slug:agency_code>": expect(
        NOT_FOUND, note="the world's force has no single sign-on (tests/sso has agencies that do)"
    ),
    "sign-in/sso/callback": expect(OK, note="no sign-in started: a plain refusal (400)"),
    "sign-out": expect(SIGN_IN, method="POST", note="signs out, then shows the sign-in page"),
    "language": expect(NOT_FOUND, note="no language named (?to=cy or en-gb): a 404; tested in web/tests"),
    "account/users": expect(FORBIDDEN, anonymous=SIGN_IN, administrator=OK, note="their own agency's users"),
    "account/users/<int:user_id>/reset-2fa": expect(
        FORBIDDEN,
        method="POST",
        anonymous=SIGN_IN,
        administrator=OK,
        note="the call handler, a user of the administrator's own agency",
    ),
    "account/api-tokens": web_signed_in(note="one's own tokens; an administrator's agency's too"),
    "account/api-tokens/<int:token_id>/revoke": expect(
        NOT_FOUND,
        method="POST",
        anonymous=SIGN_IN,
        call_handler=OK,
        administrator=OK,
        note="the call handler's token: its holder, or an administrator of the same agency",
    ),
    "api/v1/": expect(NOT_FOUND),
    "api/v1/docs": EVERYONE,
    "api/v1/openapi.json": EVERYONE,
    # audit: auditors only
    "audit/log": expect(FORBIDDEN, anonymous=SIGN_IN, auditor=OK),
    "audit/log/export": expect(FORBIDDEN, method="POST", anonymous=SIGN_IN, auditor=OK),
    # retention review: auditors and administrators of the force; the matrix episode is open (not on the
    # review schedule) and its child has an episode, so their decision pages are 404s
    "audit/retention": expect(FORBIDDEN, anonymous=SIGN_IN, auditor=OK, administrator=OK),
    "audit/retention/episodes/<int:episode_id>": expect(
        FORBIDDEN, anonymous=SIGN_IN, auditor=NOT_FOUND, administrator=NOT_FOUND
    ),
    "audit/retention/children/<int:child_id>": expect(
        FORBIDDEN, anonymous=SIGN_IN, auditor=NOT_FOUND, administrator=NOT_FOUND
    ),
    # people
    "children/search": web_signed_in(),
    "children/new": web_police(),
    "children/<int:child_id>": web_signed_in(**CHILD_VISIBLE),
    "children/<int:child_id>/photo": expect(NOT_FOUND, anonymous=SIGN_IN, note="the child has no photo"),
    # flags, photos, people and places of concern (misper.people.concern_pages)
    "children/<int:child_id>/photo/new": web_signed_in(**CHILD_VISIBLE),
    "children/<int:child_id>/flags/new": web_signed_in(**CHILD_VISIBLE),
    "flags/<int:flag_id>/expire": web_signed_in(
        **CHILD_VISIBLE, note="the form; saving checks who raised it"
    ),
    "flags/<int:flag_id>/review": web_signed_in(
        **CHILD_VISIBLE, note="the form; saving checks who raised it"
    ),
    "children/<int:child_id>/associates/new": web_police(),
    "children/<int:child_id>/associates/<int:link_id>": web_police(),
    "children/<int:child_id>/associates/<int:link_id>/end": web_police(),
    "episodes/<int:episode_id>/suggestions/confirm": web_police(method="POST"),
    "people/new": web_police(),
    "people/<int:person_id>": web_police(),
    "places/new": web_police(),
    "children/<int:child_id>/places/new": web_police(),
    # episodes
    "children/<int:child_id>/report": web_police(),
    "episodes/<int:episode_id>": web_signed_in(**CHILD_VISIBLE),
    "episodes/<int:episode_id>/closed": web_signed_in(**CHILD_VISIBLE),
    "episodes/<int:episode_id>/grade": web_police(),
    "episodes/<int:episode_id>/handover": web_police(),
    "episodes/<int:episode_id>/answers": web_police(),
    "episodes/<int:episode_id>/found": web_police(),
    "episodes/<int:episode_id>/safe-and-well": web_police(),
    "episodes/<int:episode_id>/close": web_police(),
    "episodes/<int:episode_id>/review": web_police(**SUPERVISING),
    "episodes/<int:episode_id>/actions/<int:action_id>/assign": web_police(method="POST"),
    "episodes/<int:episode_id>/actions/<int:action_id>/done": web_police(
        note="actions are police information"
    ),
    "episodes/<int:episode_id>/actions/new": web_police(),
    "episodes/<int:episode_id>/actions/<int:action_id>/reassign": web_police(),
    "episodes/<int:episode_id>/actions/<int:action_id>/cancel": web_police(),
    "assessments/<int:assessment_id>/decide": web_police(**SUPERVISING),
    # the UK Missing Persons Unit notice: the force's coordinators, supervisors and duty inspectors
    "ukmpu": expect(FORBIDDEN, anonymous=SIGN_IN, **NOTICES),
    "episodes/<int:episode_id>/ukmpu": expect(FORBIDDEN, anonymous=SIGN_IN, **NOTICES),
    "episodes/<int:episode_id>/ukmpu/print": expect(FORBIDDEN, anonymous=SIGN_IN, **NOTICES),
    "episodes/<int:episode_id>/ukmpu.json": expect(FORBIDDEN, anonymous=SIGN_IN, **NOTICES),
    # incidents from command and control: the control room (call handlers) and supervising roles
    "incidents": expect(FORBIDDEN, anonymous=SIGN_IN, **INCIDENTS),
    "incidents/<int:incident_id>": expect(FORBIDDEN, anonymous=SIGN_IN, **INCIDENTS),
    "incidents/<int:incident_id>/add": expect(
        FORBIDDEN,
        anonymous=SIGN_IN,
        method="POST",
        note="no episode named: 404 after the role check",
        **dict.fromkeys(INCIDENTS, NOT_FOUND),
    ),
    "board": web_police(**SUPERVISING),
    "board/fragment": web_police(**SUPERVISING),
    "briefing": web_police(),
    # partners (observed when this matrix was written; the partners owner confirms)
    "children/<int:child_id>/trigger-plan": web_signed_in(**CHILD_VISIBLE),
    "children/<int:child_id>/trigger-plan/new": web_signed_in(**CHILD_VISIBLE),
    "children/<int:child_id>/care-profile": web_signed_in(**CHILD_VISIBLE),
    "children/<int:child_id>/care-profile/report-missing": expect(
        FORBIDDEN, anonymous=SIGN_IN, administrator=NOT_FOUND, auditor=NOT_FOUND, note="only its care home"
    ),
    "return-interviews": web_signed_in(note="each agency's own queue; empty for those with none"),
    "return-interviews/<int:interview_id>": web_signed_in(**CHILD_VISIBLE),
    "return-interviews/export.csv": web_signed_in(
        method="POST", note="400 without a purpose; each agency's own queue, as on the page"
    ),
    "care-home-reports": web_police(),
    "care-home-reports/<int:notification_id>/report": web_police(),
    "alerts": web_signed_in(),
    "alerts/<int:alert_id>/acknowledge": expect(
        NOT_FOUND, method="POST", anonymous=SIGN_IN, partner_practitioner=OK, note="alerts to the child's LA"
    ),
    # partners: placement notices, panels, CAWNs, the shared risk tool (misper/partners; docs/partners.md)
    "placements": web_signed_in(note="notices received by the user's agency; empty for those with none"),
    "placements/new": web_police(partner_practitioner=OK, note="police, and local authority practitioners"),
    "placements/by-beat": web_police(),
    "placements/<int:notice_id>/acknowledge": expect(
        OK,
        method="POST",
        anonymous=SIGN_IN,
        auditor=NOT_FOUND,
        administrator=NOT_FOUND,
        note="the force is the host force, the council the host authority",
    ),
    "placements/export.csv": web_signed_in(
        method="POST", note="400 without a purpose; each agency's own notices, as on the page"
    ),
    "placements/<int:notice_id>": web_signed_in(
        **CHILD_VISIBLE, note="received or sent by the user's agency"
    ),
    "placements/<int:notice_id>/end": expect(
        FORBIDDEN,
        method="POST",
        anonymous=SIGN_IN,
        coordinator=OK,
        supervisor=OK,
        duty_inspector=OK,
        partner_practitioner=OK,
        auditor=NOT_FOUND,
        administrator=NOT_FOUND,
        note="the placing authority, or the host force's coordinators and supervisors",
    ),
    "panels": expect(OK, anonymous=SIGN_IN, auditor=FORBIDDEN, administrator=FORBIDDEN),
    "panels/meetings/new": expect(
        FORBIDDEN, anonymous=SIGN_IN, coordinator=OK, supervisor=OK, duty_inspector=OK
    ),
    "panels/meetings/<int:meeting_id>": web_signed_in(**CHILD_VISIBLE),
    "panels/meetings/<int:meeting_id>/actions/<int:meeting_action_id>/done": web_signed_in(
        method="POST", **CHILD_VISIBLE, note="police of the force, or the council that owns the action"
    ),
    "children/<int:child_id>/cawns": web_police(),
    "children/<int:child_id>/cawns/<int:cawn_id>/breaches": web_police(method="POST"),
    "risk-tool": web_police(partner_practitioner=OK),
    # analytics
    "dashboard": expect(FORBIDDEN, anonymous=SIGN_IN, **DASHBOARD),
    "dashboard/figures/<slug:code>.<str:fmt>": expect(FORBIDDEN, anonymous=SIGN_IN, **DASHBOARD),
    "dashboard/pack.pdf": expect(FORBIDDEN, anonymous=SIGN_IN, **DASHBOARD),
    "dashboard/profile": expect(
        NOT_FOUND,
        anonymous=SIGN_IN,
        note="police intelligence: not shown to call handlers or partners",
        supervisor=OK,
        duty_inspector=OK,
        coordinator=OK,
        analyst=OK,
        investigating_officer=OK,
    ),
    # learning
    "episodes/<int:episode_id>/feedback": web_signed_in(**CHILD_VISIBLE),
    "episodes/<int:episode_id>/feedback-link": web_signed_in(**CHILD_VISIBLE),
    "feedback/<str:code>": expect(NOT_FOUND, note="no sign-in; an unknown or used code is a 404"),
    "feedback/thanks": EVERYONE,
    "learning/feedback": expect(FORBIDDEN, anonymous=SIGN_IN, **LEARNING_READ),
    "learning/language": expect(FORBIDDEN, anonymous=SIGN_IN, **LEARNING_READ),
    "learning/recommendations": expect(FORBIDDEN, anonymous=SIGN_IN, **LEARNING_READ),
    "learning/recommendations/new": expect(FORBIDDEN, anonymous=SIGN_IN, **LEARNING_WRITE),
    "learning/recommendations/export.csv": expect(FORBIDDEN, anonymous=SIGN_IN, **LEARNING_READ),
    "learning/recommendations/export.pdf": expect(FORBIDDEN, anonymous=SIGN_IN, **LEARNING_READ),
    "learning/recommendations/<int:rec_id>": expect(FORBIDDEN, anonymous=SIGN_IN, **LEARNING_READ),
    "learning/recommendations/<int:rec_id>/edit": expect(FORBIDDEN, anonymous=SIGN_IN, **LEARNING_WRITE),
    "learning/recommendations/<int:rec_id>/actions/new": expect(
        FORBIDDEN, anonymous=SIGN_IN, **LEARNING_WRITE
    ),
    "learning/recommendations/<int:rec_id>/updates/new": expect(
        FORBIDDEN, anonymous=SIGN_IN, **LEARNING_WRITE
    ),
    "learning/recommendations/<int:rec_id>/evidence/new": expect(
        FORBIDDEN, anonymous=SIGN_IN, **LEARNING_WRITE
    ),
    "learning/recommendations/<int:rec_id>/actions/<int:action_id>/edit": expect(
        FORBIDDEN,
        anonymous=SIGN_IN,
        supervisor=NOT_FOUND,
        duty_inspector=NOT_FOUND,
        coordinator=NOT_FOUND,
        note="the filler's action id belongs to an episode, not this recommendation",
    ),
    # national: staff of a national body only (selectors.can_use_national; none in the matrix world, whose
    # agencies are a force and a council; misper/national/tests cover national staff)
    "national": expect(FORBIDDEN, anonymous=SIGN_IN),
    "national/review": expect(FORBIDDEN, anonymous=SIGN_IN),
    "national/review/<int:pk>": expect(FORBIDDEN, anonymous=SIGN_IN),
}

API: dict[str, Route] = {
    "GET /api/v1/health": EVERYONE,
    "GET /api/v1/episodes": api_signed_in(),
    "POST /api/v1/episodes": api_police(),
    "GET /api/v1/episodes/{episode_id}": api_signed_in(**CHILD_VISIBLE),
    # An empty body fails validation (422) before the access rule is reached, so these show "ok" for all.
    "POST /api/v1/episodes/{episode_id}/grading": api_signed_in(note="422 before the access check"),
    "POST /api/v1/episodes/{episode_id}/found": api_signed_in(note="422 before the access check"),
    "POST /api/v1/episodes/{episode_id}/suggestions/confirm": api_signed_in(
        note="422 before the access check"
    ),
    # An empty body names no version (required on every edit): 422 before the access check.
    "POST /api/v1/episodes/{episode_id}/safe-and-well": api_signed_in(note="422 before the access check"),
    "POST /api/v1/episodes/{episode_id}/close": api_signed_in(note="422 before the access check"),
    "POST /api/v1/episodes/{episode_id}/answers": api_signed_in(note="422 before the access check"),
    # Actions: an empty body fails validation (422) before the police check.
    "POST /api/v1/episodes/{episode_id}/actions": api_signed_in(note="422 before the access check"),
    "POST /api/v1/episodes/{episode_id}/actions/{action_id}/assign": api_signed_in(note="422 first"),
    "POST /api/v1/episodes/{episode_id}/actions/{action_id}/complete": api_signed_in(note="422 first"),
    "POST /api/v1/episodes/{episode_id}/actions/{action_id}/cancel": api_signed_in(note="422 first"),
    # a supervisor's review and a handover (misper.episodes.api_reviews): an empty body names no version
    "POST /api/v1/episodes/{episode_id}/reviews": api_signed_in(note="422 before the access check"),
    "POST /api/v1/episodes/{episode_id}/handover": api_signed_in(note="422 before the access check"),
    "POST /api/v1/assessments": api_signed_in(note="the engine on a posted document: no records read"),
    "POST /api/v1/assessments/{assessment_id}/decision": api_signed_in(note="422 before the access check"),
    # partners (observed when this matrix was written; the partners owner confirms)
    "GET /api/v1/agencies": api_signed_in(),
    "GET /api/v1/alerts": api_signed_in(),
    "POST /api/v1/subscriptions": api_signed_in(note="422 before the access check"),
    "POST /api/v1/alerts/{alert_id}/acknowledge": expect(
        NOT_FOUND, anonymous=UNAUTHORISED, partner_practitioner=OK, note="alerts to the child's LA"
    ),
    "GET /api/v1/placements": api_signed_in(
        note="notices received by the user's agency; empty for those with none"
    ),
    "POST /api/v1/placements": api_signed_in(note="422 before the access check"),
    "POST /api/v1/placements/{notice_id}/acknowledge": expect(
        OK,
        anonymous=UNAUTHORISED,
        auditor=NOT_FOUND,
        administrator=NOT_FOUND,
        note="the force is the host force, the council the host authority",
    ),
    "GET /api/v1/placements/{notice_id}": api_signed_in(**CHILD_VISIBLE),
    "POST /api/v1/placements/{notice_id}/end": expect(
        FORBIDDEN,
        anonymous=UNAUTHORISED,
        coordinator=OK,
        supervisor=OK,
        duty_inspector=OK,
        partner_practitioner=OK,
        auditor=NOT_FOUND,
        administrator=NOT_FOUND,
        note="the placing authority, or the host force's coordinators and supervisors",
    ),
    "POST /api/v1/children": api_signed_in(note="422 before the access check"),
    "POST /api/v1/children/{child_id}/cawns/{cawn_id}/breaches": api_signed_in(
        note="422 before the access check"
    ),
    "POST /api/v1/children/search": api_signed_in(note="422 before the search: an empty body names no child"),
    # a child's record, flags, people and places (misper.people.api, api_concern; docs/trust.md)
    "GET /api/v1/children/{child_id}": api_signed_in(**CHILD_VISIBLE),
    "POST /api/v1/children/{child_id}/flags": api_signed_in(note="422 before the access check"),
    "POST /api/v1/children/{child_id}/associates": api_signed_in(note="422 before the access check"),
    "POST /api/v1/children/{child_id}/associates/{link_id}": api_signed_in(
        note="422 before the access check: no version"
    ),
    "POST /api/v1/children/{child_id}/associates/{link_id}/end": api_signed_in(
        note="422 before the access check: no reason, no version"
    ),
    "POST /api/v1/children/{child_id}/places": api_signed_in(note="422 before the access check"),
    "POST /api/v1/children/{child_id}/photo": api_signed_in(note="422 before the access check: no file"),
    "GET /api/v1/children/{child_id}/photo": expect(
        NOT_FOUND, anonymous=UNAUTHORISED, note="the child has no photo"
    ),
    "POST /api/v1/flags/{flag_id}/expire": api_signed_in(note="422 before the access check"),
    "POST /api/v1/flags/{flag_id}/review": api_signed_in(note="422 before the access check: no version"),
    "POST /api/v1/people": api_signed_in(note="422 before the access check"),
    "GET /api/v1/people/{person_id}": api_police(),
    "POST /api/v1/people/{person_id}/cawns": api_signed_in(note="422 before the access check"),
    "POST /api/v1/places": api_police(note="an empty body: 403 first for non-police, 422 for police"),
    # trigger plans and return interviews (misper.partners.api_plans, api_interviews: the pages' rules)
    "GET /api/v1/children/{child_id}/trigger-plan": api_signed_in(**CHILD_VISIBLE),
    "POST /api/v1/children/{child_id}/trigger-plan": api_signed_in(note="422 before the access check"),
    "GET /api/v1/return-interviews": api_signed_in(note="each agency's own queue; empty for those with none"),
    "GET /api/v1/return-interviews/{interview_id}": api_signed_in(**CHILD_VISIBLE),
    "POST /api/v1/return-interviews/{interview_id}": api_signed_in(note="422 before the access check"),
    # care homes and panels (misper.partners.api_care, api_panels: the pages' rules)
    "GET /api/v1/children/{child_id}/care-profile": api_signed_in(**CHILD_VISIBLE),
    "POST /api/v1/children/{child_id}/care-profile": expect(
        FORBIDDEN,
        anonymous=UNAUTHORISED,
        auditor=NOT_FOUND,
        administrator=NOT_FOUND,
        note="only its care home",
    ),
    "POST /api/v1/children/{child_id}/care-home-reports": api_signed_in(note="422 before the access check"),
    "GET /api/v1/care-home-reports": api_police(),
    "POST /api/v1/care-home-reports/{notification_id}/report": api_signed_in(
        note="422 before the access check"
    ),
    # the child's feedback (misper.learning.api_feedback): police and partners; the matrix episode is not
    # back yet, so the link is a 409 for them
    "POST /api/v1/episodes/{episode_id}/feedback-link": expect(
        OK, anonymous=UNAUTHORISED, auditor=FORBIDDEN, administrator=FORBIDDEN
    ),
    "POST /api/v1/episodes/{episode_id}/feedback": api_signed_in(note="422 before the access check"),
    "GET /api/v1/panels": expect(OK, anonymous=UNAUTHORISED, auditor=FORBIDDEN, administrator=FORBIDDEN),
    "POST /api/v1/panels/meetings": api_signed_in(note="422 before the access check"),
    "GET /api/v1/panels/meetings/{meeting_id}": api_signed_in(**CHILD_VISIBLE),
    "POST /api/v1/panels/meetings/{meeting_id}/actions/{meeting_action_id}/done": api_signed_in(
        **CHILD_VISIBLE, note="police of the force, or the council that owns the action"
    ),
    "GET /api/v1/dashboard/figures": expect(FORBIDDEN, anonymous=UNAUTHORISED, **DASHBOARD),
    # the recommendations tracker (misper.learning.api_recommendations): a body names what is required
    "GET /api/v1/recommendations/{rec_id}": expect(FORBIDDEN, anonymous=UNAUTHORISED, **LEARNING_READ),
    "POST /api/v1/recommendations": api_signed_in(note="422 before the access check"),
    "POST /api/v1/recommendations/{rec_id}": api_signed_in(note="422 before the access check"),
    "POST /api/v1/recommendations/{rec_id}/actions": api_signed_in(note="422 before the access check"),
    "POST /api/v1/recommendations/{rec_id}/actions/{action_id}": api_signed_in(
        note="422 before the access check"
    ),
    "POST /api/v1/recommendations/{rec_id}/updates": api_signed_in(note="422 before the access check"),
    "POST /api/v1/recommendations/{rec_id}/evidence": api_signed_in(note="422 before the access check"),
    "GET /api/v1/feedback/summary": expect(FORBIDDEN, anonymous=UNAUTHORISED, **LEARNING_READ),
    "GET /api/v1/language/summary": expect(FORBIDDEN, anonymous=UNAUTHORISED, **LEARNING_READ),
    # national: staff of a national body only (selectors.can_use_national, as the pages)
    "GET /api/v1/national/summary": expect(FORBIDDEN, anonymous=UNAUTHORISED),
    "GET /api/v1/national/missing-now": expect(FORBIDDEN, anonymous=UNAUTHORISED),
    "GET /api/v1/national/multi-force": expect(FORBIDDEN, anonymous=UNAUTHORISED),
    "GET /api/v1/national/review": expect(FORBIDDEN, anonymous=UNAUTHORISED),
    "GET /api/v1/national/review/{pair_id}": expect(FORBIDDEN, anonymous=UNAUTHORISED),
    "POST /api/v1/national/review/{pair_id}/decision": api_signed_in(note="422 before the access check"),
    # a force pushing its own national-return lines (national.feed: coordinators, supervisors, analysts)
    "POST /api/v1/national/returns": api_signed_in(note="422 before the access check"),
    "GET /api/v1/ukmpu-notices": expect(FORBIDDEN, anonymous=UNAUTHORISED, **NOTICES),
    "GET /api/v1/episodes/{episode_id}/ukmpu-notice": expect(FORBIDDEN, anonymous=UNAUTHORISED, **NOTICES),
    "POST /api/v1/episodes/{episode_id}/ukmpu-notice": api_signed_in(note="422 before the access check"),
    "POST /api/v1/incidents": api_signed_in(note="422 before the access check"),
    "GET /api/v1/incidents": expect(FORBIDDEN, anonymous=UNAUTHORISED, **INCIDENTS),
    "GET /api/v1/incidents/{incident_id}": expect(FORBIDDEN, anonymous=UNAUTHORISED, **INCIDENTS),
    "POST /api/v1/incidents/{incident_id}/episode": api_signed_in(note="422 before the access check"),
}
