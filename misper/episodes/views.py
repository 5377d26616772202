"""Pages for an episode: report, grade, work, review, found, safe and well, close; the board; briefing.

Views are thin: parse the form, call one service or selector, render. Service errors map to the page
in one place (``EpisodeFormView``): InvalidInput → field errors in the error summary with the values
kept; a stale version → "Someone else changed this episode" with what changed; any other
ConflictError → an error on the form.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_noop

from misper import risk
from misper.accounts.models import User
from misper.accounts.requests import AuthenticatedRequest
from misper.audit.services import access_record
from misper.audit.verify import unsealed_alarm
from misper.core.errors import ConflictError, InvalidInput
from misper.episodes import grading, selectors, services, services_work, ukmpu
from misper.episodes.documents import FORMAT, associates_the_engine_counts, child_section
from misper.episodes.forms import (
    INDICATOR_QUESTIONS,
    CloseForm,
    DecideForm,
    FoundForm,
    GradeForm,
    HandoverForm,
    ReportForm,
    ReviewForm,
    SafeAndWellForm,
    local_now,
)
from misper.episodes.models import Action, ApprovalStatus, AssessmentKind, Episode, RiskAssessment, Status
from misper.episodes.reasons import policy_words, reason_lines
from misper.episodes.returned import found_not_closed
from misper.episodes.schemas import assessment_out
from misper.incidents.selectors import access_incident_by_id, report_prefill
from misper.incidents.services import IncidentLinkedError, incident_report
from misper.learning.language_forms import record_language_flags
from misper.partners.projections import binding_floors_for, sees_police_only
from misper.people.concern import found_choices, person_create
from misper.people.flags import police_only_codes
from misper.people.selectors import access_child_by_id
from misper.web.forms import form_errors_from
from misper.web.pages import FormPage, int_or_none
from misper.web.templatetags.misper_tags import label

STALE = "Someone else changed this episode after you opened this page"
SENT_FOR_APPROVAL = (
    "Your grading is below the recommendation, so it has been sent to a supervisor for approval"
)
FLOOR_OVERRIDDEN = (
    "Grade recorded below a floor on your override. The missing person coordinator has been told, and it "
    "shows on the board"
)
POLICE_ONLY = gettext_noop("Only police users can do this.")  # the 403 page shows refusals in Welsh too
BOARD_FORBIDDEN = gettext_noop("Only supervisors and missing person coordinators can see the board.")


class EpisodeFormView(FormPage):
    """A form that changes one visible episode, for police. Subclasses set ``form_class``, ``template_name``
    and ``perform`` (which calls exactly one service and returns where to go next)."""

    police_only, refusal = True, POLICE_ONLY
    form_class: type[forms.Form]
    template_name: str
    title: str

    def initial(self, episode: Episode) -> dict[str, Any]:
        return {}

    def perform(self, form: Any, episode: Episode) -> str:
        raise NotImplementedError

    def extra_context(self, episode: Episode, form: Any) -> dict[str, Any]:
        return {}

    def make_form(self, data: Any = None, **kw: Any) -> Any:
        return self.form_class(data, **kw)

    def get(self, request: AuthenticatedRequest, episode_id: int) -> HttpResponse:
        episode = selectors.access_episode_by_id(self.user, episode_id)
        initial = {"version": episode.version, "opened_at": timezone.now(), **self.initial(episode)}
        return self.render(episode, self.make_form(initial=initial))

    def post(self, request: AuthenticatedRequest, episode_id: int) -> HttpResponse:
        user = self.user
        episode = selectors.access_episode_by_id(user, episode_id)
        form = self.make_form(request.POST)
        form.child_age = episode.child.age_on(timezone.localdate())  # for the language prompt
        if not form.is_valid():
            return self.render(episode, form)
        self.language_records: dict[str, tuple[str, int]] = {}  # field → saved record, set by perform
        try:
            with transaction.atomic():
                url = self.perform(form, episode)
                record_language_flags(form, records=self.language_records, acting_user=user)
            return HttpResponseRedirect(url)
        except InvalidInput as exc:
            form_errors_from(form, exc)
        except ConflictError as exc:
            current = selectors.access_episode_by_id(user, episode_id)
            if current.version != form.cleaned_data.get("version", current.version):
                return self.render_stale(current, form)
            form.add_error(None, str(exc))
        return self.render(episode, form)

    def render_stale(self, episode: Episode, form: Any) -> HttpResponse:
        """The form again, with the values entered, the current version, and what others changed."""
        changes = selectors.changes_since(episode, form.cleaned_data.get("opened_at"))
        data = form.data.copy()
        data["version"], data["opened_at"] = episode.version, timezone.now().isoformat()
        fresh = self.make_form(data)
        fresh.is_valid()
        return self.render(episode, fresh, stale=True, changes=changes)

    def render(self, episode: Episode, form: Any, **ctx: Any) -> HttpResponse:
        context = {
            "episode": episode,
            "form": form,
            "page_title": self.title,
            "errors": ctx.get("stale", False),
            "stale_message": STALE,
            **self.extra_context(episode, form),
            **ctx,
        }
        return render(self.request, self.template_name, context)


def episode_url(episode: Episode | int) -> str:
    return reverse("episode", args=[episode if isinstance(episode, int) else episode.pk])


# --- report and grade ---------------------------------------------------------------------------------


class EpisodeReportView(FormPage):
    """Record the report for a child on file; then the recommendation page."""

    police_only, refusal = True, POLICE_ONLY

    def get(self, request: AuthenticatedRequest, child_id: int) -> HttpResponse:
        child = access_child_by_id(self.user, child_id)
        incident = _incident_from(request)
        current = services.open_episode_for(child)
        if current is not None and request.GET.get("separate") != "yes":
            return self.render_already_missing(child, current)
        form = ReportForm(initial=report_prefill(incident) if incident else {"reported_at": local_now()})
        return self.render(child, form, current, incident)

    def post(self, request: AuthenticatedRequest, child_id: int) -> HttpResponse:
        user = self.user
        child = access_child_by_id(user, child_id)
        incident = _incident_from(request)
        form = ReportForm(request.POST)
        current = services.open_episode_for(child)
        form.is_valid()  # cleans the fields, so the reason can be checked beside the other errors
        if current is not None and not form.cleaned_data.get("separate_reason", "").strip():
            form.add_error("separate_reason", services.SEPARATE_REASON_NEEDED)
        if form.is_valid():
            reported_at = form.cleaned_data["reported_at"]
            doc = {
                "format": FORMAT,
                "child": child_section(child, reported_at),
                "report": form.report_section(),
            }
            report = {
                "doc": doc,
                "acting_user": user,
                "missing_from": form.missing_from(),
                "reporter_name": form.cleaned_data["reporter_name"],
                "reporter_phone": form.cleaned_data["reporter_phone"],
            }
            try:
                outcome = (
                    incident_report(incident_id=incident.pk, **report)
                    if incident is not None
                    else services_work.episode_report_with_place(**report)
                )
                return HttpResponseRedirect(reverse("episode-grade", args=[outcome.episode.pk]))
            except InvalidInput as exc:
                form_errors_from(form, exc)
            except IncidentLinkedError as exc:
                form.add_error(None, str(exc))
            except ConflictError:  # another report for this child was made while this form was open
                return self.render_already_missing(child, services.open_episode_for(child))
        return self.render(child, form, current, incident)

    def render(
        self, child: Any, form: ReportForm, current: Episode | None = None, incident: Any = None
    ) -> HttpResponse:
        ctx = {
            "child": child,
            "form": form,
            "groups": form.question_groups(),
            "open_episode": current,
            "incident": incident,
            "page_title": "Report a missing child",
        }
        return render(self.request, "episodes/report.html", ctx)

    def render_already_missing(self, child: Any, current: Episode | None) -> HttpResponse:
        ctx = {"child": child, "open_episode": current, "page_title": f"{child.full_name} is already missing"}
        return render(
            self.request,
            "episodes/already_missing.html",
            ctx,
            status=409 if self.request.method == "POST" else 200,
        )


def _incident_from(request: AuthenticatedRequest) -> Any:
    """The incident a report is started from (``?incident=`` on the page, ``incident`` in the form): one
    of the user's force, or a 404 (another force's, or not a number); None when there is none."""
    raw = request.POST.get("incident") or request.GET.get("incident")
    if not raw:
        return None
    if not str(raw).isdigit():
        raise Http404("No such incident")
    return access_incident_by_id(request.user, int(raw))


def _grading_kind(episode: Episode, user: User) -> str:
    """The call handler grading straight after their report is the grading at report, not a re-grade on
    new information (nothing new was learnt between the two pages)."""
    made = list(episode.assessments.values_list("kind", "created_by_id"))
    if made == [(AssessmentKind.INITIAL, user.pk)]:
        return AssessmentKind.INITIAL
    return AssessmentKind.NEW_INFORMATION


class EpisodeGradeView(EpisodeFormView):
    form_class = GradeForm
    template_name = "episodes/grade.html"
    title = "Confirm the risk grade"

    def initial(self, episode: Episode) -> dict[str, Any]:
        return {"category": episode.category, "risk": episode.risk}

    def extra_context(self, episode: Episode, form: Any) -> dict[str, Any]:
        user = self.user
        latest = episode.assessments.order_by("-created_at", "-pk").first()
        result = latest.result if latest else {}
        # What the engine said, as this user may see it (the host force: no owning force's intelligence).
        shown = assessment_out(latest, user) if latest else None
        return {
            "assessment": latest,
            "result": result,
            "reason_lines": reason_lines(latest, user) if latest else [],
            "action_texts": [risk.ACTIONS.get(a, a) for a in (shown.actions if shown else [])],
            "binding_floors": binding_floors_for(
                user, result.get("binding_floors", []), episode.child, police_only_codes(episode.child_id)
            ),
            "can_override": self.user.can_override_floor,
            "suggestions": [
                {**s, "question": INDICATOR_QUESTIONS.get(s["code"], "")}
                for s in result.get("suggestions", [])
            ],
        }

    def perform(self, form: Any, episode: Episode) -> str:
        d = form.cleaned_data
        if (d["category"], d["risk"]) == (episode.category, episode.risk) and not d["rationale"].strip():
            messages.success(
                self.request,
                f"Grade confirmed: {episode.get_category_display()}, {episode.get_risk_display().lower()} risk",
            )
            return episode_url(episode)
        outcome = services.episode_regrade(
            episode_id=episode.pk,
            category=d["category"],
            risk_grade=d["risk"],
            rationale=d["rationale"],
            acting_user=self.user,
            expected_version=d["version"],
            override_reason=d.get("override_reason", ""),
            kind=_grading_kind(episode, self.user),
        )
        self.language_records = {"rationale": ("risk_assessment", outcome.assessment.pk)}
        if outcome.assessment.approval_status == ApprovalStatus.OVERRIDDEN:
            messages.success(self.request, FLOOR_OVERRIDDEN)
        elif outcome.pending_approval:
            messages.success(self.request, SENT_FOR_APPROVAL)
        else:
            messages.success(self.request, "Grade recorded")
        return episode_url(episode)


# --- the episode page ---------------------------------------------------------------------------------


class EpisodeDetailView(FormPage):
    def get(self, request: AuthenticatedRequest, episode_id: int) -> HttpResponse:
        user = self.user
        with transaction.atomic():
            episode = selectors.episode_page(user, episode_id)
            access_record(
                user=user, action="view", record_type="episode", record_ids=[episode.pk], request=request
            )
        now = timezone.now()
        actions = list(episode.actions.all())
        assessments = list(episode.assessments.all())
        latest = max(assessments, key=lambda a: (a.created_at, a.pk)) if assessments else None
        ctx = {
            "episode": episode,
            "page_title": f"{episode.child.full_name}, {episode.reference}",
            "assessments": assessments,
            "latest_assessment": latest,
            "reason_lines": reason_lines(latest, user) if latest else [],
            "policy_words": policy_words(latest) if latest else "",
            "pending": selectors.pending_assessment(episode),
            "open_actions": [a for a in actions if a.status == "open"],
            "done_actions": [a for a in actions if a.status != "open"],
            "now": now,
            "review_overdue": bool(
                episode.is_open and episode.next_review_at and episode.next_review_at < now
            ),
            "safe_and_well": getattr(episode, "safe_and_well", None)
            if _has(episode, "safe_and_well")
            else None,
            "return_interview": getattr(episode, "return_interview", None)
            if _has(episode, "return_interview")
            else None,
            "can_work": user.is_police,
            # a host force (the child placed on its patch) works the case but the record stays its force's
            "owns_record": episode.force_id == user.agency_id,
            "can_review": user.can_supervise and episode.is_open and episode.force_id == user.agency_id,
            "ukmpu": _ukmpu_state(user, episode, now),
            "not_known_questions": [
                (code, INDICATOR_QUESTIONS.get(code, label(code))) for code in episode.indicators_not_known
            ],
            "can_update_answers": user.is_police and episode.is_open and episode.force_id == user.agency_id,
            # whom the engine counts as of concern, as it grades this episode (police only, as on the child page)
            "engine_associates": associates_the_engine_counts(episode.child, episode.reported_at)
            if sees_police_only(user, episode.child)
            else [],
        }
        return render(request, "episodes/detail.html", ctx)


def _ukmpu_state(user: User, episode: Episode, now: Any) -> ukmpu.NoticeState | None:
    """The UK Missing Persons Unit notice's state, for the force's coordinators and supervisors, once the
    72-hour point has passed (or a notice was recorded)."""
    if not (ukmpu.may_handle_notices(user) and episode.force_id == user.agency_id):
        return None
    state = ukmpu.notice_state(episode, now)
    return None if state.code == "not_due" else state


def _has(obj: Any, name: str) -> bool:
    try:
        return getattr(obj, name) is not None
    except Exception:  # the reverse one-to-one is absent
        return False


class EpisodeHandoverView(EpisodeFormView):
    form_class = HandoverForm
    template_name = "episodes/handover.html"
    title = "Hand over this episode"

    def make_form(self, data: Any = None, **kw: Any) -> Any:
        return HandoverForm(data, user=self.user, **kw)

    def perform(self, form: Any, episode: Episode) -> str:
        d = form.cleaned_data
        owner = services_work.episode_handover(
            episode_id=episode.pk,
            new_owner=d["new_owner"],
            note=d["note"],
            acting_user=self.user,
            expected_version=d["version"],
        ).owner
        handover = Action.objects.filter(episode=episode, code="handover").latest("pk")
        self.language_records = {"note": ("action", handover.pk)}
        messages.success(self.request, f"Handed over to {owner.get_full_name() if owner else ''}")
        return episode_url(episode)


class EpisodeReviewView(EpisodeFormView):
    form_class = ReviewForm
    template_name = "episodes/review.html"
    title = "Review this episode"

    def initial(self, episode: Episode) -> dict[str, Any]:
        return {"category": episode.category, "risk": episode.risk, "regrade": "no"}

    def extra_context(self, episode: Episode, form: Any) -> dict[str, Any]:
        can_override = self.user.can_override_floor
        try:
            comparison = selectors.engine_now(episode, self.user)
            return {"comparison": comparison, "can_override": can_override}
        except InvalidInput as exc:
            return {"comparison": None, "engine_refused": exc.errors[0].message, "can_override": can_override}

    def perform(self, form: Any, episode: Episode) -> str:
        d = form.cleaned_data
        regrade = (
            {
                "category": d["category"],
                "risk": d["risk"],
                "rationale": d["rationale"],
                "override_reason": d.get("override_reason", ""),
            }
            if d["regrade"] == "yes"
            else None
        )
        outcome = services_work.episode_review(
            episode_id=episode.pk,
            notes=d["notes"],
            regrade=regrade,
            acting_user=self.user,
            expected_version=d["version"],
        )
        self.language_records = {"notes": ("review", outcome.review.pk)}
        if outcome.grading:
            self.language_records["rationale"] = ("risk_assessment", outcome.grading.assessment.pk)
        due = timezone.localtime(outcome.review.next_review_at) if outcome.review.next_review_at else None
        text = "Review recorded" + (f". Next review due {due:%-d %b %Y %H:%M}" if due else "")
        if outcome.grading and outcome.grading.pending_approval:
            text += f". {SENT_FOR_APPROVAL}"
        messages.success(self.request, text)
        return episode_url(episode)

    def get(self, request: AuthenticatedRequest, episode_id: int) -> HttpResponse:
        if not self.user.can_supervise:
            raise PermissionDenied("Only a supervisor or coordinator can review an episode.")
        return super().get(request, episode_id)


# --- found, safe and well, close ----------------------------------------------------------------------


class EpisodeFoundView(EpisodeFormView):
    form_class = FoundForm
    template_name = "episodes/found.html"
    title = "Record that the child is found"

    def initial(self, episode: Episode) -> dict[str, Any]:
        return {"found_at": local_now()}

    def make_form(self, data: Any = None, **kw: Any) -> Any:
        episode = selectors.access_episode_by_id(self.user, self.kwargs["episode_id"])
        people, places = found_choices(self.user, episode.child)
        return FoundForm(data, people=people, places=places, **kw)

    def perform(self, form: Any, episode: Episode) -> str:
        d = form.cleaned_data
        user = self.user
        person_id = d["found_with_person"]
        if d["new_person_given_name"].strip():  # a new person, recorded in the same transaction
            person_id = person_create(
                acting_user=user,
                given_name=d["new_person_given_name"],
                family_name=d["new_person_family_name"],
            ).pk
        services.episode_found(
            episode_id=episode.pk,
            acting_user=user,
            found_at=d["found_at"],
            place=d["place"],
            town=d["town"],
            postcode=d["postcode"].upper(),
            found_with=d["found_with"],
            return_method=d["return_method"],
            expected_version=d["version"],
            found_with_person_id=person_id,
            found_place_id=d["found_place"],
        )
        messages.success(self.request, "Recorded as found. Next: the safe-and-well check")
        return episode_url(episode)


class SafeAndWellView(EpisodeFormView):
    form_class = SafeAndWellForm
    template_name = "episodes/safe_and_well.html"
    title = "Safe-and-well check"

    def initial(self, episode: Episode) -> dict[str, Any]:
        return {"conducted_at": local_now()}

    def extra_context(self, episode: Episode, form: Any) -> dict[str, Any]:
        return {"harm_at_home": services.harm_at_home_suspected(episode)}

    def perform(self, form: Any, episode: Episode) -> str:
        services.safe_and_well_record(
            episode_id=episode.pk,
            acting_user=self.user,
            data=form.service_data(),
            expected_version=form.cleaned_data["version"],
        )
        messages.success(self.request, "Safe-and-well check recorded. Next: close the episode")
        return episode_url(episode)


class EpisodeCloseView(EpisodeFormView):
    form_class = CloseForm
    template_name = "episodes/close.html"
    title = "Close this episode"

    def extra_context(self, episode: Episode, form: Any) -> dict[str, Any]:
        return {"has_check": _has(episode, "safe_and_well")}

    def perform(self, form: Any, episode: Episode) -> str:
        d = form.cleaned_data
        services.episode_close(
            episode_id=episode.pk,
            acting_user=self.user,
            reason_no_check=d["reason_no_check"],
            summary=d["summary"],
            expected_version=d["version"],
        )
        self.language_records = {"summary": ("episode", episode.pk)}
        if not _has(episode, "safe_and_well"):
            self.language_records["reason_no_check"] = ("episode", episode.pk)
        return reverse("episode-closed", args=[episode.pk])


class EpisodeClosedView(FormPage):
    def get(self, request: AuthenticatedRequest, episode_id: int) -> HttpResponse:
        episode = selectors.episode_page(self.user, episode_id)
        if episode.status != Status.CLOSED or not _has(episode, "return_interview"):
            return HttpResponseRedirect(episode_url(episode))
        ctx = {
            "episode": episode,
            "interview": episode.return_interview,
            "prompts": services._closure_prompts(episode),
            "page_title": "Episode closed",
        }
        return render(request, "episodes/closed.html", ctx)


# --- the board ----------------------------------------------------------------------------------------


class SupervisorMixin(FormPage):
    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if request.user.is_authenticated and not self.user.can_supervise:
            raise PermissionDenied(BOARD_FORBIDDEN)
        return super().dispatch(request, *args, **kwargs)


def _board_context(request: AuthenticatedRequest) -> dict[str, Any]:
    user = request.user
    with transaction.atomic():
        b = selectors.board(user)
        found = found_not_closed(user, b.now)
        ids = [r.episode.pk for r in b.rows] + [r.episode.pk for r in found]
        access_record(user=user, action="list", record_type="episode", record_ids=ids, request=request)
    return {
        "board": b,
        "found": found,
        "page_title": "Daily management board",
        "audit_alarm": unsealed_alarm(),
    }


POLL_SECONDS = 15


class BoardView(SupervisorMixin):
    def get(self, request: AuthenticatedRequest) -> HttpResponse:
        poll = int_or_none(request.GET.get("poll")) or POLL_SECONDS
        ctx = {**_board_context(request), "poll_seconds": min(max(poll, 2), 60)}
        return render(request, "episodes/board.html", ctx)


class BoardFragmentView(SupervisorMixin):
    def get(self, request: AuthenticatedRequest) -> HttpResponse:
        return render(request, "episodes/_board_live.html", _board_context(request))


class AssessmentDecideView(SupervisorMixin):
    def _assessment(self, request: HttpRequest, assessment_id: int) -> RiskAssessment:
        visible = selectors.visible_episodes(self.user)
        return get_object_or_404(
            RiskAssessment.objects.select_related("episode", "episode__child", "created_by"),
            pk=assessment_id,
            episode__in=visible,
        )

    def get(self, request: AuthenticatedRequest, assessment_id: int) -> HttpResponse:
        assessment = self._assessment(request, assessment_id)
        initial = {"decision": request.GET.get("decision", ""), "version": assessment.episode.version}
        return self.render(assessment, DecideForm(initial=initial))

    def post(self, request: AuthenticatedRequest, assessment_id: int) -> HttpResponse:
        assessment = self._assessment(request, assessment_id)
        form = DecideForm(request.POST)
        if form.is_valid():
            approve = form.cleaned_data["decision"] == "approve"
            try:
                services.assessment_decide(
                    assessment_id=assessment.pk,
                    approve=approve,
                    note=form.cleaned_data["note"],
                    acting_user=self.user,
                    expected_version=form.cleaned_data["version"],
                    override_reason=form.cleaned_data["override_reason"],
                )
                child = assessment.episode.child.full_name
                messages.success(request, f"Grading for {child} {'approved' if approve else 'rejected'}")
                back = request.POST.get("next") == "episode"
                return HttpResponseRedirect(episode_url(assessment.episode) if back else reverse("board"))
            except InvalidInput as exc:
                form_errors_from(form, exc)
            except ConflictError as exc:
                form.add_error(None, str(exc))
            except PermissionDenied as exc:
                # Four eyes: the grader is refused in words on the page, with the 403 status.
                form.add_error(None, str(exc))
                return self.render(assessment, form, status=403)
        return self.render(assessment, form)

    def render(self, assessment: RiskAssessment, form: DecideForm, status: int = 200) -> HttpResponse:
        ctx = {
            "assessment": assessment,
            "reason_lines": reason_lines(assessment, self.user),
            "episode": assessment.episode,
            "form": form,
            "decided": assessment.approval_status != ApprovalStatus.PENDING,
            "own_grading": assessment.created_by_id == self.request.user.pk,
            "grader_cannot_decide": services.GRADER_CANNOT_DECIDE,
            "needs_inspector": assessment.senior_review and not self.user.can_override_floor,
            "only_inspector_decides": grading.ONLY_INSPECTOR_DECIDES,
            "page_title": "Decide on a grading",
        }
        return render(self.request, "episodes/decide.html", ctx, status=status)


# --- briefing -----------------------------------------------------------------------------------------


class BriefingView(FormPage):
    def get(self, request: AuthenticatedRequest) -> HttpResponse:
        user = self.user
        if not user.is_police:
            raise PermissionDenied("Briefing sheets are for police officers.")
        area = request.GET.get("beat", "").strip()[:100]
        with transaction.atomic():
            episodes = selectors.briefing(user, area=area)
            if episodes:
                ids = [e.pk for e in episodes]
                access_record(
                    user=user, action="export", record_type="episode", record_ids=ids, request=request
                )
        ctx = {"area": area, "episodes": episodes, "page_title": "Briefing sheet", "now": timezone.now()}
        return render(request, "episodes/briefing.html", ctx)
