from django.urls import path

from misper.people import concern_pages, views

urlpatterns = [
    path("children/search", views.ChildSearchView.as_view(), name="child-search"),
    path("children/new", views.ChildCreateView.as_view(), name="child-create"),
    path("children/<int:child_id>", views.ChildDetailView.as_view(), name="child"),
    path("children/<int:child_id>/photo", views.ChildPhotoView.as_view(), name="child-photo"),
    path(
        "children/<int:child_id>/photo/new",
        concern_pages.PhotoUploadView.as_view(),
        name="child-photo-upload",
    ),
    path("children/<int:child_id>/flags/new", concern_pages.FlagAddView.as_view(), name="flag-add"),
    path("flags/<int:flag_id>/expire", concern_pages.FlagExpireView.as_view(), name="flag-expire"),
    path("flags/<int:flag_id>/review", concern_pages.FlagReviewView.as_view(), name="flag-review"),
    path(
        "children/<int:child_id>/associates/new",
        concern_pages.AssociateLinkView.as_view(),
        name="associate-link",
    ),
    path(
        "children/<int:child_id>/associates/<int:link_id>",
        concern_pages.AssociateChangeView.as_view(),
        name="associate-change",
    ),
    path(
        "children/<int:child_id>/associates/<int:link_id>/end",
        concern_pages.AssociateEndView.as_view(),
        name="associate-end",
    ),
    path("people/new", concern_pages.PersonCreateView.as_view(), name="person-create"),
    path("people/<int:person_id>", concern_pages.PersonDetailView.as_view(), name="person"),
    path("places/new", concern_pages.PlaceCreateView.as_view(), name="place-create"),
    path("children/<int:child_id>/places/new", concern_pages.PlaceLinkView.as_view(), name="place-link"),
]
