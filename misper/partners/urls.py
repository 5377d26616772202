from django.urls import path

from misper.partners import views

urlpatterns = [
    path("children/<int:child_id>/trigger-plan", views.TriggerPlanView.as_view(), name="trigger-plan"),
    path(
        "children/<int:child_id>/trigger-plan/new",
        views.TriggerPlanCreateView.as_view(),
        name="trigger-plan-new",
    ),
    path("children/<int:child_id>/care-profile", views.CareProfileView.as_view(), name="care-profile"),
    path(
        "children/<int:child_id>/care-profile/report-missing",
        views.ReportMissingView.as_view(),
        name="care-report-missing",
    ),
    path("return-interviews", views.InterviewQueueView.as_view(), name="return-interviews"),
    path("return-interviews/<int:interview_id>", views.InterviewView.as_view(), name="return-interview"),
    path("care-home-reports", views.NotificationQueueView.as_view(), name="care-home-reports"),
    path(
        "care-home-reports/<int:notification_id>/report",
        views.NotificationReportView.as_view(),
        name="care-home-report",
    ),
    path("alerts", views.AlertInboxView.as_view(), name="alerts"),
    path("alerts/<int:alert_id>/acknowledge", views.AlertAcknowledgeView.as_view(), name="alert-acknowledge"),
]
