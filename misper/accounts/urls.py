from django.urls import path

from misper.accounts import token_views, user_views, views
from misper.accounts.sso import views as sso_views

urlpatterns = [
    path("sign-in/code", views.SecondFactorView.as_view(), name="sign-in-code"),
    path("sign-in/enrol", views.EnrolView.as_view(), name="sign-in-enrol"),
    path("sign-in/with/<slug:agency_code>", sso_views.SsoStartView.as_view(), name="sign-in-sso"),
    path("sign-in/sso/callback", sso_views.SsoCallbackView.as_view(), name="sign-in-sso-callback"),
    path("account/api-tokens", token_views.ApiTokenListView.as_view(), name="api-tokens"),
    path(
        "account/api-tokens/<int:token_id>/revoke",
        token_views.ApiTokenRevokeView.as_view(),
        name="api-token-revoke",
    ),
    path("account/users", user_views.AgencyUsersView.as_view(), name="agency-users"),
    path(
        "account/users/<int:user_id>/reset-2fa",
        user_views.SecondFactorResetView.as_view(),
        name="second-factor-reset",
    ),
]
