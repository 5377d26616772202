from django.urls import path

from misper.audit import views

urlpatterns = [
    path("audit/log", views.AccessLogView.as_view(), name="audit-log"),
    path("audit/log/export", views.AccessLogExportView.as_view(), name="audit-log-export"),
]
