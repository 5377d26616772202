from django.urls import path

from misper.partners import views, views_together

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
    path(
        "return-interviews/export.csv",
        views_together.InterviewQueueExportView.as_view(),
        name="return-interviews-export",
    ),
    path("return-interviews/<int:interview_id>", views.InterviewView.as_view(), name="return-interview"),
    path("care-home-reports", views.NotificationQueueView.as_view(), name="care-home-reports"),
    path(
        "care-home-reports/<int:notification_id>/report",
        views.NotificationReportView.as_view(),
        name="care-home-report",
    ),
    path("alerts", views.AlertInboxView.as_view(), name="alerts"),
    path("alerts/<int:alert_id>/acknowledge", views.AlertAcknowledgeView.as_view(), name="alert-acknowledge"),
    path("placements", views_together.PlacementListView.as_view(), name="placements"),
    path("placements/export.csv", views_together.PlacementListExportView.as_view(), name="placements-export"),
    path("placements/new", views_together.PlacementCreateView.as_view(), name="placement-new"),
    path("placements/by-beat", views_together.BeatListView.as_view(), name="placements-by-beat"),
    path("placements/<int:notice_id>", views_together.PlacementNoticeView.as_view(), name="placement"),
    path("placements/<int:notice_id>/end", views_together.PlacementEndView.as_view(), name="placement-end"),
    path(
        "placements/<int:notice_id>/acknowledge",
        views_together.PlacementAcknowledgeView.as_view(),
        name="placement-acknowledge",
    ),
    path("panels", views_together.PanelListView.as_view(), name="panels"),
    path("panels/meetings/new", views_together.MeetingCreateView.as_view(), name="meeting-new"),
    path("panels/meetings/<int:meeting_id>", views_together.MeetingView.as_view(), name="meeting"),
    path(
        "panels/meetings/<int:meeting_id>/actions/<int:meeting_action_id>/done",
        views_together.MeetingActionDoneView.as_view(),
        name="meeting-action-done",
    ),
    path("children/<int:child_id>/cawns", views_together.CawnListView.as_view(), name="child-cawns"),
    path(
        "children/<int:child_id>/cawns/<int:cawn_id>/breaches",
        views_together.CawnBreachView.as_view(),
        name="cawn-breach",
    ),
    path("risk-tool", views_together.RiskToolView.as_view(), name="risk-tool"),
]
