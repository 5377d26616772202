from django.urls import path

from misper.audit import views
from misper.audit.retention.views import RetentionDecisionView, RetentionQueueView

urlpatterns = [
    path("audit/log", views.AccessLogView.as_view(), name="audit-log"),
    path("audit/log/export", views.AccessLogExportView.as_view(), name="audit-log-export"),
    path("audit/retention", RetentionQueueView.as_view(), name="retention-queue"),
    path(
        "audit/retention/episodes/<int:episode_id>",
        RetentionDecisionView.as_view(record_type="episode"),
        name="retention-episode",
    ),
    path(
        "audit/retention/children/<int:child_id>",
        RetentionDecisionView.as_view(record_type="child"),
        name="retention-child",
    ),
]
