from django.urls import path

from misper.accounts import token_views, views

urlpatterns = [
    path("sign-in/code", views.SecondFactorView.as_view(), name="sign-in-code"),
    path("sign-in/enrol", views.EnrolView.as_view(), name="sign-in-enrol"),
    path("account/api-tokens", token_views.ApiTokenListView.as_view(), name="api-tokens"),
    path(
        "account/api-tokens/<int:token_id>/revoke",
        token_views.ApiTokenRevokeView.as_view(),
        name="api-token-revoke",
    ),
]
