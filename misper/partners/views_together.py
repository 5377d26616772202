"""Pages for placement notices, the neighbourhood contact's list, panels and meetings, CAWNs and the
shared risk tool. Thin: parse the form, call one service or selector, render; refusals go back onto
the form through ``misper.web.pages.form_attempt``."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from misper import risk
from misper.accounts.models import User
from misper.accounts.requests import AuthenticatedRequest
from misper.audit.services import access_record
from misper.core.errors import ConflictError, InvalidInput
from misper.partners import cawns, lists, panels, placement_ending, placements, risk_tool
from misper.partners.forms_together import (
    BreachForm,
    CawnForm,
    ListExportForm,
    MeetingForm,
    PlacementEndForm,
    PlacementForm,
    RiskToolForm,
)
from misper.partners.views import POLICE_ONLY, interview_queue_page
from misper.people.models import Child
from misper.people.selectors import access_child_by_id, visible_children
from misper.web.pages import FormPage, form_attempt

NOTICE_SENT = "The placement notice has been sent to the host police force and local authority"
NOTICE_ACKNOWLEDGED = "Placement notice acknowledged"
PLACEMENT_ENDED = "The placement has been ended and the host police force told"
MEETING_SAVED = "The meeting has been recorded"
ACTION_DONE = "Action marked as done"
CAWN_SAVED = "The abduction warning notice has been recorded"
BREACH_SAVED = "The breach has been recorded"
NO_SUCH_REF = "No child you can see has that reference"
NOT_FOR_YOU = "This page is for police and partner practitioners."


def _ids(values: list[str]) -> list[int]:
    return [int(v) for v in values if v.isdigit()]


def _all_errors(form: Any, errors: list[Any]) -> None:
    """Add the service's errors for fields the form has not already refused, so a page shows every
    problem at once rather than the parsing ones first."""
    for e in errors:
        name = e.field if e.field in form.fields else None
        if name is None or name not in form.errors:
            form.add_error(name, e.message)


def _by_ref(user: User, ref: str) -> Child | None:
    return visible_children(user).filter(ref__iexact=ref.strip()).first() if ref.strip() else None


# --- placement notices -------------------------------------------------------------------------------


class PlacementListView(FormPage):
    def get(self, request: AuthenticatedRequest) -> HttpResponse:
        return placement_list_page(request, ListExportForm())


def placement_list_page(
    request: AuthenticatedRequest, export_form: ListExportForm, status: int = 200
) -> HttpResponse:
    """The notices page: its rows come from ``lists`` (the same rows and fields as its CSV download)."""
    user = request.user
    rows = lists.list_read(user=user, record_type="placement_notice", request=request)
    mine = "acknowledged_by_police" if user.is_police else "acknowledged_by_host_authority"
    ctx = {
        "received": [(r, r[mine] == "Yes") for r in rows if r["list"] == lists.RECEIVED],
        "sent": [r for r in rows if r["list"] == lists.SENT],
        "can_send": placements.may_send_notice(user),
        "export_form": export_form,
        "errors": export_form.errors,  # "Error: " in the page title
        "page_title": gettext("Placement notices"),
    }
    return render(request, "partners/placements.html", ctx, status=status)


class ListExportView(FormPage):
    """POST a purpose: the list's rows as CSV (``lists.list_export``: an ``export`` access event)."""

    record_type = ""
    filename = ""
    page: Any = None

    def post(self, request: AuthenticatedRequest) -> HttpResponse:
        form = ListExportForm(request.POST)
        form.is_valid()  # binds the form; the service makes the decision (and names the field)
        purpose = request.POST.get("purpose", "")
        try:
            rows = lists.list_export(
                user=self.user, record_type=self.record_type, purpose=purpose, request=request
            )
        except InvalidInput as exc:
            _all_errors(form, exc.errors)
            return type(self).page(request, form, status=400)
        response = StreamingHttpResponse(
            lists.rows_csv(self.record_type, rows), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{self.filename}"'
        return response


class InterviewQueueExportView(ListExportView):
    record_type, filename = "return_interview", "return-interviews.csv"
    page = staticmethod(interview_queue_page)


class PlacementListExportView(ListExportView):
    record_type, filename = "placement_notice", "placement-notices.csv"
    page = staticmethod(placement_list_page)


class PlacementCreateView(FormPage):
    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if request.user.is_authenticated and not placements.may_send_notice(self.user):
            raise PermissionDenied(placements.NOT_ALLOWED)
        return super().dispatch(request, *args, **kwargs)

    def _children(self, extra_ids: list[int]) -> list[Child]:
        """The children to choose from: a local authority's placed children, and any named that the
        user may place (``placements.placeable_children``)."""
        user = self.user
        qs = placements.placeable_children(user)
        mine = [] if user.is_police else list(qs[:200])
        named = list(qs.filter(pk__in=extra_ids)) if extra_ids else []
        return list({c.pk: c for c in mine + named}.values())

    def get(self, request: AuthenticatedRequest) -> HttpResponse:
        ref = request.GET.get("ref", "")
        found = _by_ref(self.user, ref)
        extra = _ids(request.GET.getlist("child")) + ([found.pk] if found else [])
        initial = {"child": str(extra[0]) if extra else "", "starts_on": timezone.localdate()}
        form = PlacementForm(initial=initial, children=self._children(extra), police=self.user.is_police)
        return self.render(form, ref=ref, ref_error=NO_SUCH_REF if ref and not found else "")

    def post(self, request: AuthenticatedRequest) -> HttpResponse:
        user = self.user
        children = self._children(_ids([request.POST.get("child", "")]))
        form = PlacementForm(request.POST, children=children, police=user.is_police)
        valid = form.is_valid()
        data = placements.PlacementInput(**form.service_data())
        if not valid:
            _all_errors(form, placements.notice_errors(data, user))
            return self.render(form)
        notice = form_attempt(form, lambda: placements.placement_notice_create(data=data, acting_user=user))
        if notice is None:
            return self.render(form)
        messages.success(request, NOTICE_SENT)
        return HttpResponseRedirect(reverse("placements"))

    def render(self, form: PlacementForm, **ctx: Any) -> HttpResponse:
        ctx.update(form=form, page_title="Send a placement notice")
        return render(self.request, "partners/placement_form.html", ctx)


class PlacementAcknowledgeView(FormPage):
    def post(self, request: AuthenticatedRequest, notice_id: int) -> HttpResponse:
        placements.placement_notice_acknowledge(notice_id=notice_id, acting_user=self.user)
        messages.success(request, NOTICE_ACKNOWLEDGED)
        return HttpResponseRedirect(reverse("placements"))


class PlacementNoticeView(FormPage):
    """One notice, the child's other notices the user may see, and (for those who may) the form that
    ends the placement. The access rule is ``placement_ending.visible_notices``."""

    def get(self, request: AuthenticatedRequest, notice_id: int) -> HttpResponse:
        notice = self._notice(request, notice_id)
        form = PlacementEndForm(initial={"version": notice.version, "ended_on": timezone.localdate()})
        return placement_page(request, notice, form)

    def _notice(self, request: AuthenticatedRequest, notice_id: int) -> Any:
        with transaction.atomic():
            notice = placement_ending.access_notice_by_id(self.user, notice_id)
            _notice_viewed(request, notice)
        return notice


def _notice_viewed(request: AuthenticatedRequest, notice: Any) -> None:
    """The access event for showing a notice (its page, or the page again with the form's errors)."""
    access_record(
        user=request.user,
        action="view",
        record_type="placement_notice",
        record_ids=[notice.pk],
        request=request,
    )


def placement_page(
    request: AuthenticatedRequest, notice: Any, form: PlacementEndForm, status: int = 200
) -> HttpResponse:
    user = request.user
    if status != 200:  # the end was refused and the notice is shown again: that is a view too
        with transaction.atomic():
            _notice_viewed(request, notice)
    others = placement_ending.visible_notices(user).filter(child_id=notice.child_id).exclude(pk=notice.pk)
    ctx = {
        "notice": notice,
        "ended": placement_ending.is_ended(notice),
        "others": list(others.order_by("-starts_on", "-pk")[:50]),
        "can_end": placement_ending.may_end(user, notice) and notice.ended_at is None,
        "form": form,
        "page_title": f"Placement notice: {notice.child.full_name}",
    }
    return render(request, "partners/placement.html", ctx, status=status)


class PlacementEndView(FormPage):
    def post(self, request: AuthenticatedRequest, notice_id: int) -> HttpResponse:
        user = self.user
        notice = placement_ending.access_notice_by_id(user, notice_id)
        if not placement_ending.may_end(user, notice):
            raise PermissionDenied(placement_ending.END_NOT_ALLOWED)
        form = PlacementEndForm(request.POST)
        valid = form.is_valid()
        data = form.cleaned_data
        ended_on, reason = data.get("ended_on"), data.get("reason") or ""
        if not valid:
            _all_errors(form, placement_ending.end_errors(notice, ended_on, reason))
            return placement_page(request, notice, form, status=400)
        try:
            placement_ending.placement_end(
                user=user, notice=notice, ended_on=ended_on, reason=reason, version=data.get("version")
            )
        except ConflictError as exc:
            form.add_error(None, str(exc))
            return placement_page(request, notice, form, status=409)
        except InvalidInput as exc:
            _all_errors(form, exc.errors)
            return placement_page(request, notice, form, status=400)
        messages.success(request, PLACEMENT_ENDED)
        # The host force may no longer see the notice once its last day has passed: back to the list.
        return HttpResponseRedirect(reverse("placements"))


class BeatListView(FormPage):
    """The neighbourhood single point of contact's list: children in care homes on a beat."""

    def get(self, request: AuthenticatedRequest) -> HttpResponse:
        user = self.user
        if not user.is_police:
            raise PermissionDenied(POLICE_ONLY)
        beat = request.GET.get("beat", "").strip()
        with transaction.atomic():
            rows = placements.beat_placements(user, beat)
            access_record(
                user=user,
                action="list",
                record_type="child",
                record_ids=[r.child.pk for r in rows],
                purpose=f"neighbourhood list for beat {beat}"[:200] if beat else "",
                request=request,
            )
        ctx = {
            "beat": beat,
            "rows": rows,
            "beats": placements.force_care_home_beats(user),
            "page_title": f"Children in care homes on beat {beat}" if beat else "Children in care homes",
        }
        return render(request, "partners/beat_list.html", ctx)


# --- panels and meetings -----------------------------------------------------------------------------


class PanelListView(FormPage):
    def get(self, request: AuthenticatedRequest) -> HttpResponse:
        user = self.user
        if not panels.may_see_panels(user):
            raise PermissionDenied(NOT_FOR_YOU)
        rows, meetings = panels.panel_overview(user, request=request)
        ctx = {
            "rows": rows,
            "meetings": meetings,
            "can_record": panels.may_record_meetings(user),
            "thresholds": panels.thresholds(),
            "page_title": "Multi-agency missing panel",
        }
        return render(request, "partners/panels.html", ctx)


class MeetingCreateView(FormPage):
    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if request.user.is_authenticated and not panels.may_record_meetings(self.user):
            raise PermissionDenied(panels.NOT_ALLOWED)
        return super().dispatch(request, *args, **kwargs)

    def _children(self, extra_ids: list[int]) -> list[Child]:
        user = self.user
        listed = [r.child for r in panels.panel_list(user)]
        named = list(visible_children(user).filter(pk__in=extra_ids)) if extra_ids else []
        return list({c.pk: c for c in named + listed}.values())

    def get(self, request: AuthenticatedRequest) -> HttpResponse:
        chosen = _ids(request.GET.getlist("child"))
        initial = {"children": [str(i) for i in chosen], "held_on": timezone.localdate(), "kind": "panel"}
        return self.render(MeetingForm(initial=initial, children=self._children(chosen)))

    def post(self, request: AuthenticatedRequest) -> HttpResponse:
        user = self.user
        form = MeetingForm(request.POST, children=self._children(_ids(request.POST.getlist("children"))))
        valid = form.is_valid()
        data = panels.MeetingInput(**form.service_data())
        if not valid:
            _all_errors(form, panels.meeting_errors(data, user))
            return self.render(form)
        meeting = form_attempt(form, lambda: panels.meeting_create(data=data, acting_user=user))
        if meeting is None:
            return self.render(form)
        messages.success(request, MEETING_SAVED)
        return HttpResponseRedirect(reverse("meeting", args=[meeting.pk]))

    def render(self, form: MeetingForm) -> HttpResponse:
        ctx = {"form": form, "page_title": "Record a meeting"}
        return render(self.request, "partners/meeting_form.html", ctx)


class MeetingView(FormPage):
    def get(self, request: AuthenticatedRequest, meeting_id: int) -> HttpResponse:
        user = self.user
        with transaction.atomic():
            meeting = panels.access_meeting_by_id(user, meeting_id)
            access_record(
                user=user, action="view", record_type="meeting", record_ids=[meeting.pk], request=request
            )
        ctx = {
            **panels.meeting_detail(meeting),
            "user_agency": user.agency_id,
            "is_police": user.is_police,
            "page_title": f"{meeting.get_kind_display()}, {meeting.held_on:%d %B %Y}",
        }
        return render(request, "partners/meeting.html", ctx)


class MeetingActionDoneView(FormPage):
    def post(self, request: AuthenticatedRequest, meeting_id: int, meeting_action_id: int) -> HttpResponse:
        panels.meeting_action_complete(
            meeting_id=meeting_id, action_id=meeting_action_id, acting_user=self.user
        )
        messages.success(request, ACTION_DONE)
        return HttpResponseRedirect(reverse("meeting", args=[meeting_id]))


# --- CAWNs -------------------------------------------------------------------------------------------


class CawnListView(FormPage):
    def get(self, request: AuthenticatedRequest, child_id: int) -> HttpResponse:
        user = self.user
        with transaction.atomic():
            child = cawns.police_child(user, child_id)
            access_record(
                user=user, action="view", record_type="cawn", record_ids=[child.pk], request=request
            )
        form = CawnForm(initial={"issued_on": timezone.localdate()}, adults=cawns.linked_adults(child))
        return self.render(child, form)

    def post(self, request: AuthenticatedRequest, child_id: int) -> HttpResponse:
        child = cawns.police_child(self.user, child_id)
        form = CawnForm(request.POST, adults=cawns.linked_adults(child))
        if form.is_valid():
            data = cawns.CawnInput(**form.cleaned_data)
            done = form_attempt(
                form, lambda: cawns.cawn_issue(child_id=child.pk, data=data, acting_user=self.user)
            )
            if done is not None:
                messages.success(request, CAWN_SAVED)
                return HttpResponseRedirect(reverse("child-cawns", args=[child.pk]))
        return self.render(child, form)

    def render(self, child: Child, form: CawnForm) -> HttpResponse:
        return _cawn_page(self.request, child, form)


def _cawn_page(
    request: HttpRequest, child: Child, form: CawnForm, breach: tuple[int, BreachForm] | None = None
) -> HttpResponse:
    """The CAWN page: the child's notices, each with a breach form (``breach`` is one posted back with
    its errors), and the form for a new notice."""
    today = timezone.localdate()
    rows = []
    for n in cawns.child_cawns(child):
        posted = breach[1] if breach and breach[0] == n.pk else None
        rows.append(
            (n, n.expires_on is not None and n.expires_on < today, posted or BreachForm(prefix=f"b{n.pk}"))
        )
    ctx = {
        "child": child,
        "form": form,
        "rows": rows,
        "errors": bool(breach and breach[1].errors),  # "Error: " in the page title
        "page_title": f"Abduction warning notices: {child.full_name}",
    }
    return render(request, "partners/cawns.html", ctx)


class CawnBreachView(FormPage):
    def post(self, request: AuthenticatedRequest, child_id: int, cawn_id: int) -> HttpResponse:
        user = self.user
        child = cawns.police_child(user, child_id)
        form = BreachForm(request.POST, prefix=f"b{cawn_id}")
        if form.is_valid():
            data = cawns.BreachInput(**form.cleaned_data)
            done = form_attempt(
                form,
                lambda: cawns.cawn_breach_record(
                    child_id=child.pk, cawn_id=cawn_id, data=data, acting_user=user
                ),
            )
            if done is not None:
                messages.success(request, BREACH_SAVED)
                return HttpResponseRedirect(reverse("child-cawns", args=[child.pk]))
        return _cawn_page(request, child, CawnForm(adults=cawns.linked_adults(child)), breach=(cawn_id, form))


# --- the shared risk tool ----------------------------------------------------------------------------


class RiskToolView(FormPage):
    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if request.user.is_authenticated and not risk_tool.may_use(self.user):
            raise PermissionDenied(NOT_FOR_YOU)
        return super().dispatch(request, *args, **kwargs)

    def get(self, request: AuthenticatedRequest) -> HttpResponse:
        user = self.user
        ref = request.GET.get("ref", "")
        child = _by_ref(user, ref)
        if child is None and request.GET.get("child", "").isdigit():
            child = access_child_by_id(user, int(request.GET["child"]))
        initial: dict[str, Any] = {"placement_type": "home"}
        if child is not None:
            initial.update(risk_tool.prefill(child, timezone.now(), user), child=child.pk)
        ctx = {"ref": ref, "ref_error": NO_SUCH_REF if ref and child is None else ""}
        return self.render(RiskToolForm(initial=initial), child, **ctx)

    def post(self, request: AuthenticatedRequest) -> HttpResponse:
        user = self.user
        form = RiskToolForm(request.POST)
        child_id = request.POST.get("child", "")
        child = access_child_by_id(user, int(child_id)) if child_id.isdigit() else None
        result = None
        if form.is_valid():
            d = form.cleaned_data
            data = risk_tool.ToolInput(
                date_of_birth=d["date_of_birth"],
                looked_after=d["looked_after"],
                placement_type=d["placement_type"],
                vulnerabilities=list(d["vulnerabilities"]),
                indicators=form.answered("yes"),
                not_known=form.answered(risk.NOT_KNOWN),
                last_seen_at=d["last_seen_at"],
            )
            result = form_attempt(
                form, lambda: risk_tool.risk_tool_run(data=data, child=child, acting_user=user)
            )
        return self.render(form, child, result=result)

    def render(self, form: RiskToolForm, child: Child | None, **ctx: Any) -> HttpResponse:
        groups = form.question_groups()
        user = self.user
        mine = (
            [] if user.is_police else list(visible_children(user).order_by("family_name", "given_name")[:50])
        )
        ctx.update(form=form, child=child, groups=groups, my_children=mine, page_title="Shared risk tool")
        return render(self.request, "partners/risk_tool.html", ctx)
