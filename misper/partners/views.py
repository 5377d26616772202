"""Pages for working together: trigger plans, return interviews, care-home profiles and the reports
sent from them, and the alert inbox. Thin: parse the form, call one service or selector, render.
Service refusals map to the page in one place (``misper.web.pages.form_attempt``): field errors onto
the form, a conflict as an error on the form."""

from __future__ import annotations

from dataclasses import fields as dc_fields
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from misper.accounts.requests import AuthenticatedRequest
from misper.audit.services import access_record
from misper.episodes.documents import FORMAT, child_section
from misper.episodes.forms import ReportForm, local_now
from misper.notifications.alerts import alert_acknowledge
from misper.notifications.selectors import alert_inbox_page
from misper.partners import care, interviews, lists, plans, selectors
from misper.partners.field_access import interview_account_visible
from misper.partners.forms import CareProfileForm, InterviewForm, NotificationForm, TriggerPlanForm
from misper.partners.forms_together import ListExportForm
from misper.partners.models import CareProfile
from misper.people.selectors import access_child_by_id
from misper.web.pages import FormPage, form_attempt

# Marked for the Welsh catalogue: the layout translates flash messages, refusals and field errors.
PLAN_SAVED = gettext_noop("The new trigger plan is in place")
INTERVIEW_SAVED = gettext_noop("The return interview has been recorded")
PROFILE_SAVED = gettext_noop("The profile has been saved")
NOTIFICATION_SENT = gettext_noop(
    "The police control room has your report. Keep your phone with you: they may call."
)
ACKNOWLEDGED = gettext_noop("Alert acknowledged")
POLICE_ONLY = gettext_noop("Only police users can do this.")


# --- trigger plans -----------------------------------------------------------------------------------


class TriggerPlanView(FormPage):
    def get(self, request: AuthenticatedRequest, child_id: int) -> HttpResponse:
        user = self.user
        with transaction.atomic():
            child = access_child_by_id(user, child_id)
            history = selectors.trigger_plan_history(child)
            access_record(
                user=user, action="view", record_type="trigger_plan", record_ids=[child.pk], request=request
            )
        current = history[0] if history and history[0].superseded_at is None else None
        ctx = {
            "child": child,
            "current": current,
            "history": [p for p in history if p is not current],
            "proposals": selectors.open_proposals(child),
            "can_change": plans.may_change_plan(user, child),
            "page_title": gettext("Trigger plan for %(name)s") % {"name": child.full_name},
        }
        return render(request, "partners/trigger_plan.html", ctx)


class TriggerPlanCreateView(FormPage):
    def _setup(self, request: HttpRequest, child_id: int) -> tuple[Any, list[Any], list[Any]]:
        child = access_child_by_id(self.user, child_id)
        if not plans.may_change_plan(self.user, child):
            raise PermissionDenied(plans.NOT_ALLOWED)
        return child, plans.plan_agencies(child), selectors.open_proposals(child)

    def get(self, request: AuthenticatedRequest, child_id: int) -> HttpResponse:
        child, agencies, proposals = self._setup(request, child_id)
        history = selectors.trigger_plan_history(child)
        current = history[0] if history and history[0].superseded_at is None else None
        initial: dict[str, Any] = {
            "version": current.version if current else 0,
            "agreed_on": timezone.localdate(),
        }
        if current:
            initial.update(minimum_risk=current.minimum_risk, actions="\n".join(current.actions))
        form = TriggerPlanForm(initial=initial, agencies=agencies, proposals=proposals)
        return self.render(child, form)

    def post(self, request: AuthenticatedRequest, child_id: int) -> HttpResponse:
        child, agencies, proposals = self._setup(request, child_id)
        form = TriggerPlanForm(request.POST, agencies=agencies, proposals=proposals)
        if form.is_valid():
            d = form.cleaned_data
            data = plans.PlanInput(
                minimum_risk=d["minimum_risk"],
                actions=form.action_lines(),
                agreed_by=d["agreed_by"],
                agreed_on=d["agreed_on"],
                review_on=d["review_on"],
                agency_ids=[int(a) for a in d["agencies"]],
            )
            plan = form_attempt(
                form,
                lambda: plans.trigger_plan_create(
                    child_id=child.pk,
                    data=data,
                    acting_user=self.user,
                    expected_version=d["version"],
                    proposal_ids=[int(p) for p in d["proposals"]],
                ),
            )
            if plan is not None:
                messages.success(request, PLAN_SAVED)
                return HttpResponseRedirect(reverse("trigger-plan", args=[child.pk]))
        return self.render(child, form)

    def render(self, child: Any, form: TriggerPlanForm) -> HttpResponse:
        ctx = {"child": child, "form": form, "page_title": gettext("Write a new version of the trigger plan")}
        return render(self.request, "partners/trigger_plan_form.html", ctx)


# --- return interviews -------------------------------------------------------------------------------


class InterviewQueueView(FormPage):
    def get(self, request: AuthenticatedRequest) -> HttpResponse:
        return interview_queue_page(request, ListExportForm())


def interview_queue_page(
    request: AuthenticatedRequest, export_form: ListExportForm, status: int = 200
) -> HttpResponse:
    """The queue page: its rows come from ``lists`` (the same rows and fields as its CSV download)."""
    user = request.user
    rows = lists.list_read(user=user, record_type="return_interview", request=request)
    ctx = {
        "open": [r for r in rows if r["list"] == lists.TO_DO],
        "finished": [r for r in rows if r["list"] == lists.FINISHED],
        "figures": selectors.interview_figures(selectors.interview_queue(user)),
        "now": timezone.now(),
        "export_form": export_form,
        "errors": export_form.errors,  # "Error: " in the page title
        "page_title": gettext("Return home interviews"),
    }
    return render(request, "partners/interview_queue.html", ctx, status=status)


class InterviewView(FormPage):
    def _interview(self, request: HttpRequest, interview_id: int) -> Any:
        return selectors.access_interview_by_id(self.user, interview_id)

    def get(self, request: AuthenticatedRequest, interview_id: int) -> HttpResponse:
        with transaction.atomic():
            ri = self._interview(request, interview_id)
            access_record(
                user=request.user,
                action="view",
                record_type="return_interview",
                record_ids=[ri.pk],
                request=request,
            )
        form = InterviewForm(initial={"version": ri.version, "at": local_now()})
        return self.render(ri, form)

    def post(self, request: AuthenticatedRequest, interview_id: int) -> HttpResponse:
        ri = self._interview(request, interview_id)
        form = InterviewForm(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            names = {f.name for f in dc_fields(interviews.InterviewRecord)}
            data = interviews.InterviewRecord(**{k: v for k, v in d.items() if k in names})
            done = form_attempt(
                form,
                lambda: interviews.return_interview_record(
                    interview_id=ri.pk, data=data, acting_user=self.user, expected_version=d["version"]
                ),
            )
            if done is not None:
                messages.success(request, INTERVIEW_SAVED)
                return HttpResponseRedirect(reverse("return-interview", args=[ri.pk]))
        return self.render(ri, form)

    def render(self, ri: Any, form: InterviewForm) -> HttpResponse:
        user = self.user
        interviewer = not user.is_police and user.agency_id in (ri.responsible_agency_id, ri.provider_id)
        ctx = {
            "ri": ri,
            "form": form,
            "can_record": interviewer and ri.status not in interviews.FINISHED,
            "can_invite_feedback": interviewer,
            "can_read_account": interview_account_visible(user, ri),
            "page_title": gettext("Return interview: %(name)s") % {"name": ri.episode.child.full_name},
        }
        return render(self.request, "partners/interview.html", ctx)


# --- care-home profiles and reports from them --------------------------------------------------------


class CareProfileView(FormPage):
    def get(self, request: AuthenticatedRequest, child_id: int) -> HttpResponse:
        user = self.user
        with transaction.atomic():
            child = access_child_by_id(user, child_id)
            access_record(
                user=user, action="view", record_type="child", record_ids=[child.pk], request=request
            )
        profile = CareProfile.objects.filter(child=child).first()
        initial = {n: getattr(child, n) for n in care.CHILD_FIELDS}
        initial.update({n: getattr(profile, n) for n in care.PROFILE_FIELDS} if profile else {})
        return self.render(child, profile, CareProfileForm(initial=initial))

    def post(self, request: AuthenticatedRequest, child_id: int) -> HttpResponse:
        child = access_child_by_id(self.user, child_id)
        form = CareProfileForm(request.POST)
        if form.is_valid():
            data = care.ProfileInput(**form.cleaned_data)
            saved = form_attempt(
                form, lambda: care.care_profile_save(child_id=child.pk, data=data, acting_user=self.user)
            )
            if saved is not None:
                messages.success(request, PROFILE_SAVED)
                return HttpResponseRedirect(reverse("care-profile", args=[child.pk]))
        return self.render(child, CareProfile.objects.filter(child=child).first(), form)

    def render(self, child: Any, profile: Any, form: CareProfileForm) -> HttpResponse:
        user = self.user
        is_home = selectors.CARE_PROVIDER in selectors.agency_relations(user, child)
        ctx = {
            "child": child,
            "profile": profile,
            "form": form,
            "can_edit": is_home and child.looked_after,
            "page_title": gettext("Care profile: %(name)s") % {"name": child.full_name},
        }
        return render(self.request, "partners/care_profile.html", ctx)


class ReportMissingView(FormPage):
    """The care home reports the child missing, with the profile attached."""

    def get(self, request: AuthenticatedRequest, child_id: int) -> HttpResponse:
        user = self.user
        child = care.care_home_child(user, child_id)
        form = NotificationForm(initial={"last_seen_at": local_now(), "reporter_name": user.get_full_name()})
        return self.render(child, form)

    def post(self, request: AuthenticatedRequest, child_id: int) -> HttpResponse:
        child = access_child_by_id(self.user, child_id)
        form = NotificationForm(request.POST)
        if form.is_valid():
            data = care.NotificationInput(**form.cleaned_data)
            sent = form_attempt(
                form,
                lambda: care.missing_notification_submit(child_id=child.pk, data=data, acting_user=self.user),
            )
            if sent is not None:
                messages.success(request, NOTIFICATION_SENT)
                return HttpResponseRedirect(reverse("care-profile", args=[child.pk]))
        return self.render(child, form)

    def render(self, child: Any, form: NotificationForm) -> HttpResponse:
        title = gettext("Report %(name)s missing") % {"name": child.full_name}
        ctx = {"child": child, "form": form, "page_title": title}
        return render(self.request, "partners/report_missing.html", ctx)


class NotificationQueueView(FormPage):
    def get(self, request: AuthenticatedRequest) -> HttpResponse:
        user = self.user
        if not user.is_police:
            raise PermissionDenied(POLICE_ONLY)
        with transaction.atomic():
            queue = selectors.control_room_queue(user)
            access_record(
                user=user,
                action="list",
                record_type="missing_notification",
                record_ids=[n.child_id for n in queue],
                request=request,
            )
        ctx = {"queue": queue, "page_title": "Reports from care homes"}
        return render(request, "partners/notifications.html", ctx)


class NotificationReportView(FormPage):
    """The police report form, filled in from a care home's notification; the profile is shown above."""

    police_only, refusal = True, POLICE_ONLY

    def get(self, request: AuthenticatedRequest, notification_id: int) -> HttpResponse:
        with transaction.atomic():
            n = care.access_notification_by_id(self.user, notification_id)
            access_record(
                user=request.user,
                action="view",
                record_type="missing_notification",
                record_ids=[n.child_id],
                request=request,
            )
        last_seen = timezone.localtime(n.last_seen_at).strftime("%Y-%m-%dT%H:%M")
        initial = {
            "reporter_type": "care_home",
            "reporter_name": f"{n.reporter_name} ({n.care_home.name})",
            "reporter_phone": n.reporter_phone,
            "reported_at": timezone.localtime(n.created_at).strftime("%Y-%m-%dT%H:%M"),
            "last_seen_at": last_seen,
            "from_place": n.from_place or n.care_home.name,
            "from_town": n.from_town,
            "from_postcode": n.from_postcode,
            "circumstances": n.circumstances,
        }
        return self.render(n, ReportForm(initial=initial))

    def post(self, request: AuthenticatedRequest, notification_id: int) -> HttpResponse:
        user = self.user
        n = care.access_notification_by_id(user, notification_id)
        form = ReportForm(request.POST)
        if form.is_valid():
            doc = {
                "format": FORMAT,
                "child": child_section(n.child, form.cleaned_data["reported_at"]),
                "report": form.report_section(),
            }
            outcome = form_attempt(
                form,
                lambda: care.notification_report(
                    notification_id=n.pk,
                    doc=doc,
                    acting_user=user,
                    missing_from=form.missing_from(),
                    reporter_name=form.cleaned_data["reporter_name"],
                    reporter_phone=form.cleaned_data["reporter_phone"],
                ),
            )
            if outcome is not None:
                return HttpResponseRedirect(reverse("episode-grade", args=[outcome.episode.pk]))
        return self.render(n, form)

    def render(self, n: Any, form: ReportForm) -> HttpResponse:
        ctx = {
            "child": n.child,
            "notification": n,
            "form": form,
            "groups": form.question_groups(),
            "page_title": "Report a missing child",
        }
        return render(self.request, "partners/notification_report.html", ctx)


# --- the alert inbox ---------------------------------------------------------------------------------


class AlertInboxView(FormPage):
    def get(self, request: AuthenticatedRequest) -> HttpResponse:
        user = self.user
        with transaction.atomic():
            mine, agency = alert_inbox_page(user, limit=100)
            access_record(
                user=user,
                action="list",
                record_type="alert",
                record_ids=sorted({a.episode_id for a in [*mine, *agency] if a.episode_id}),
                request=request,
            )
        ctx = {"mine": mine, "agency_alerts": agency, "page_title": gettext("Alerts")}
        return render(request, "partners/alerts.html", ctx)


class AlertAcknowledgeView(FormPage):
    def post(self, request: AuthenticatedRequest, alert_id: int) -> HttpResponse:
        alert_acknowledge(alert_id=alert_id, acting_user=self.user)
        messages.success(request, ACKNOWLEDGED)
        return HttpResponseRedirect(reverse("alerts"))
