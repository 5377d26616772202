from django.urls import path

from misper.incidents import views

urlpatterns = [
    path("incidents", views.IncidentQueueView.as_view(), name="incidents"),
    path("incidents/<int:incident_id>", views.IncidentDetailView.as_view(), name="incident"),
    path("incidents/<int:incident_id>/add", views.IncidentAddView.as_view(), name="incident-add"),
]
