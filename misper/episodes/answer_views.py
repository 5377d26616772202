"""The page that fills a gap in an episode's risk answers (police only; the same service as the API).

Thin: the questions with the answers on file, one service, back to the episode with the grade now."""

from __future__ import annotations

from typing import Any

from django.contrib import messages

from misper.episodes.answer_services import episode_answers_update
from misper.episodes.answers import answers_on_file
from misper.episodes.forms import AnswersForm, answers_initial
from misper.episodes.models import Episode
from misper.episodes.views import EpisodeFormView, episode_url

NOTHING_CHANGED = "No answer changed"


class EpisodeAnswersView(EpisodeFormView):
    form_class = AnswersForm
    template_name = "episodes/answers.html"
    title = "Update the risk answers"

    def initial(self, episode: Episode) -> dict[str, Any]:
        return answers_initial(answers_on_file(episode.indicators, episode.indicators_not_known))

    def extra_context(self, episode: Episode, form: Any) -> dict[str, Any]:
        return {"groups": form.question_groups()}

    def perform(self, form: Any, episode: Episode) -> str:
        outcome = episode_answers_update(
            episode_id=episode.pk,
            answers=form.answers(),
            acting_user=self.request.user,  # type: ignore[arg-type]
            expected_version=form.cleaned_data["version"],
        )
        if outcome.grading is None:
            messages.success(self.request, NOTHING_CHANGED)
        else:
            a = outcome.grading.assessment
            messages.success(
                self.request,
                f"Answers saved and the risk assessed again. The grade is now {a.graded_category}, "
                f"{a.graded_risk.replace('_', ' ')} risk",
            )
        return episode_url(episode)
