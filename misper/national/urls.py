from django.urls import path

from misper.national import views

urlpatterns = [
    path("national", views.NationalView.as_view(), name="national"),
    path("national/review", views.ReviewQueueView.as_view(), name="national-review"),
    path("national/review/<int:pk>", views.ReviewPairView.as_view(), name="national-review-pair"),
]
