from django.urls import path

from misper.analytics import views

urlpatterns = [
    path("dashboard", views.DashboardView.as_view(), name="dashboard"),
    path("dashboard/profile", views.ProfileView.as_view(), name="problem-profile"),
    path("dashboard/pack.pdf", views.PackView.as_view(), name="dashboard-pack"),
    path(
        "dashboard/figures/<slug:code>.<str:fmt>",
        views.FigureDownloadView.as_view(),
        name="dashboard-download",
    ),
]
