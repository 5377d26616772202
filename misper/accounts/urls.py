from django.urls import path

from misper.accounts import views

urlpatterns = [
    path("sign-in/code", views.SecondFactorView.as_view(), name="sign-in-code"),
    path("sign-in/enrol", views.EnrolView.as_view(), name="sign-in-enrol"),
]
