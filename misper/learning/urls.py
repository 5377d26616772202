from django.urls import path

from misper.learning.views import feedback, language, recommendations

urlpatterns = [
    path("feedback/thanks", feedback.FeedbackThanksView.as_view(), name="feedback-thanks"),
    path("feedback/<str:code>", feedback.FeedbackGiveView.as_view(), name="feedback-give"),
    path(
        "episodes/<int:episode_id>/feedback-link",
        feedback.FeedbackInviteView.as_view(),
        name="feedback-invite",
    ),
    path("episodes/<int:episode_id>/feedback", feedback.FeedbackRecordView.as_view(), name="feedback-record"),
    path("learning/feedback", feedback.FeedbackFiguresView.as_view(), name="feedback-figures"),
    path("learning/language", language.LanguageFiguresView.as_view(), name="language-figures"),
    path(
        "learning/recommendations", recommendations.RecommendationListView.as_view(), name="recommendations"
    ),
    path(
        "learning/recommendations/new",
        recommendations.RecommendationCreateView.as_view(),
        name="recommendation-new",
    ),
    *[
        path(
            f"learning/recommendations/export.{fmt}",
            recommendations.RecommendationExportView.as_view(),
            {"fmt": fmt},
            name=f"recommendations-export-{fmt}",
        )
        for fmt in ("csv", "pdf")
    ],
    path(
        "learning/recommendations/<int:rec_id>",
        recommendations.RecommendationDetailView.as_view(),
        name="recommendation",
    ),
    path(
        "learning/recommendations/<int:rec_id>/edit",
        recommendations.RecommendationEditView.as_view(),
        name="recommendation-edit",
    ),
    path(
        "learning/recommendations/<int:rec_id>/actions/new",
        recommendations.ActionCreateView.as_view(),
        name="recommendation-action-new",
    ),
    path(
        "learning/recommendations/<int:rec_id>/actions/<int:action_id>/edit",
        recommendations.ActionEditView.as_view(),
        name="recommendation-action-edit",
    ),
    path(
        "learning/recommendations/<int:rec_id>/updates/new",
        recommendations.ProgressCreateView.as_view(),
        name="recommendation-update-new",
    ),
    path(
        "learning/recommendations/<int:rec_id>/evidence/new",
        recommendations.EvidenceCreateView.as_view(),
        name="recommendation-evidence-new",
    ),
]
