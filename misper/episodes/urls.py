from django.urls import path

from misper.episodes import action_views, answer_views, confirmations, ukmpu_views, views

urlpatterns = [
    path("children/<int:child_id>/report", views.EpisodeReportView.as_view(), name="episode-report"),
    path("episodes/<int:episode_id>", views.EpisodeDetailView.as_view(), name="episode"),
    path("episodes/<int:episode_id>/grade", views.EpisodeGradeView.as_view(), name="episode-grade"),
    path(
        "episodes/<int:episode_id>/suggestions/confirm",
        confirmations.SuggestionConfirmView.as_view(),
        name="suggestion-confirm",
    ),
    path(
        "episodes/<int:episode_id>/answers", answer_views.EpisodeAnswersView.as_view(), name="episode-answers"
    ),
    path("episodes/<int:episode_id>/review", views.EpisodeReviewView.as_view(), name="episode-review"),
    path("episodes/<int:episode_id>/handover", views.EpisodeHandoverView.as_view(), name="episode-handover"),
    path("episodes/<int:episode_id>/found", views.EpisodeFoundView.as_view(), name="episode-found"),
    path(
        "episodes/<int:episode_id>/safe-and-well",
        views.SafeAndWellView.as_view(),
        name="episode-safe-and-well",
    ),
    path("episodes/<int:episode_id>/close", views.EpisodeCloseView.as_view(), name="episode-close"),
    path("episodes/<int:episode_id>/closed", views.EpisodeClosedView.as_view(), name="episode-closed"),
    path(
        "episodes/<int:episode_id>/actions/<int:action_id>/assign",
        action_views.ActionAssignView.as_view(),
        name="action-assign",
    ),
    path("episodes/<int:episode_id>/actions/new", action_views.ActionAddView.as_view(), name="action-add"),
    path(
        "episodes/<int:episode_id>/actions/<int:action_id>/reassign",
        action_views.ActionReassignView.as_view(),
        name="action-reassign",
    ),
    path(
        "episodes/<int:episode_id>/actions/<int:action_id>/cancel",
        action_views.ActionCancelView.as_view(),
        name="action-cancel",
    ),
    path(
        "episodes/<int:episode_id>/actions/<int:action_id>/done",
        action_views.ActionDoneView.as_view(),
        name="action-done",
    ),
    path(
        "assessments/<int:assessment_id>/decide",
        views.AssessmentDecideView.as_view(),
        name="assessment-decide",
    ),
    path("episodes/<int:episode_id>/ukmpu", ukmpu_views.UkmpuNoticeView.as_view(), name="episode-ukmpu"),
    path(
        "episodes/<int:episode_id>/ukmpu/print",
        ukmpu_views.UkmpuPrintView.as_view(),
        name="episode-ukmpu-print",
    ),
    path(
        "episodes/<int:episode_id>/ukmpu.json",
        ukmpu_views.UkmpuExportView.as_view(),
        name="episode-ukmpu-json",
    ),
    path("ukmpu", ukmpu_views.UkmpuListView.as_view(), name="ukmpu-notices"),
    path("board", views.BoardView.as_view(), name="board"),
    path("board/fragment", views.BoardFragmentView.as_view(), name="board-fragment"),
    path("briefing", views.BriefingView.as_view(), name="briefing"),
]
