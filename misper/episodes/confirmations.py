"""Risk signs in the free text, confirmed by a person, become facts the engine grades on.

The engine suggests signs it read in the circumstances ("an older man", "hotel", "gifts":
``misper.risk.suggestions``) but never grades on free text. ``suggestion_confirm`` is the one click that
turns a suggestion into a fact: an indicator on this report, or a vulnerability flag on the child (with
who confirmed it as its source), then a fresh grading at the engine's new recommendation -- never lower
than the grade now -- recorded as the confirming officer's, with what they confirmed as its rationale.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.views import View

from misper import risk
from misper.accounts.models import User
from misper.accounts.requests import AuthenticatedRequest
from misper.audit.history import history_save
from misper.core.errors import ConflictError, FieldError, InvalidInput
from misper.core.versions import version_check
from misper.episodes.documents import assess_on_file, episode_document
from misper.episodes.models import RISK_ORDER, Episode
from misper.episodes.selectors import visible_episodes
from misper.episodes.services import GradingOutcome, episode_regrade
from misper.people.flags import flag_add

NOT_SUGGESTED = "That sign was not suggested for this report"
STALE = "Someone else changed this episode after you opened it; reload and try again"


def _suggested(episode: Episode) -> dict[str, str]:
    latest = episode.assessments.order_by("-created_at", "-pk").first()
    result = latest.result if latest else {}
    return {s["code"]: s.get("text", "") for s in result.get("suggestions", [])}


def suggestion_confirm(
    *, episode_id: int, code: str, acting_user: User, expected_version: int | None = None
) -> GradingOutcome:
    """Confirm the suggested sign ``code`` on an open episode (police only) and re-grade."""
    if not acting_user.is_police:
        raise PermissionDenied("Only police users can confirm a risk sign.")
    with transaction.atomic():
        episode = visible_episodes(acting_user).select_for_update().filter(pk=episode_id).first()
        if episode is None:
            raise Http404("No such episode")
        version_check(current=episode.version, expected=expected_version, stale_message=STALE)
        if not episode.is_open:
            raise ConflictError("This episode is no longer open.")
        signs = _suggested(episode)
        if code not in signs:
            raise InvalidInput(FieldError("code", NOT_SUGGESTED))
        who = acting_user.get_full_name() or acting_user.username
        if code in risk.INDICATORS:
            episode.indicators = sorted({*episode.indicators, code})
            episode.version += 1
            history_save(episode, user=acting_user)
        elif not any(
            f.code == code and f.is_current(timezone.localdate()) for f in episode.child.flags.all()
        ):
            flag_add(
                child_id=episode.child_id,
                code=code,
                source=f"Confirmed by {who} from the circumstances of {episode.reference}",
                acting_user=acting_user,
            )
        result = assess_on_file(
            episode_document(episode), policy=str(settings.MISPER_RISK_POLICY), now=timezone.now()
        )
        category = "missing" if "missing" in (result["category"], episode.category) else result["category"]
        grade = max(episode.risk, result["risk"], key=lambda r: RISK_ORDER.get(r, -1))
        return episode_regrade(
            episode_id=episode.pk,
            category=category,
            risk_grade=grade,
            rationale=f"Confirmed by {who}: {signs[code]}",
            acting_user=acting_user,
            expected_version=episode.version,
        )


class SuggestionConfirmView(LoginRequiredMixin, View):
    """The one-click confirmation on the grade page (POST only): confirm, then back to the grade page."""

    def post(self, request: AuthenticatedRequest, episode_id: int) -> HttpResponse:
        user: User = request.user
        version = request.POST.get("version", "")
        try:
            outcome = suggestion_confirm(
                episode_id=episode_id,
                code=request.POST.get("code", ""),
                acting_user=user,
                expected_version=int(version) if version.isdigit() else None,
            )
            grade = f"{outcome.assessment.graded_category}, {outcome.assessment.graded_risk.replace('_', ' ')} risk"
            messages.success(request, f"Confirmed and added to the record. The grade is now {grade}")
        except (InvalidInput, ConflictError) as exc:
            messages.error(
                request,
                "; ".join(e.message for e in exc.errors) if isinstance(exc, InvalidInput) else str(exc),
            )
        return HttpResponseRedirect(reverse("episode-grade", args=[episode_id]))
