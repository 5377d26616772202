from django.urls import path

from misper.people import views

urlpatterns = [
    path("children/search", views.ChildSearchView.as_view(), name="child-search"),
    path("children/new", views.ChildCreateView.as_view(), name="child-create"),
    path("children/<int:child_id>", views.ChildDetailView.as_view(), name="child"),
    path("children/<int:child_id>/photo", views.ChildPhotoView.as_view(), name="child-photo"),
]
