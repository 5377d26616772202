from django.urls import include, path

from misper.web import views

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("sign-in", views.SignInView.as_view(), name="sign-in"),
    path("sign-out", views.SignOutView.as_view(), name="sign-out"),
    path("language", views.LanguageSwitchView.as_view(), name="language"),
    path("", include("misper.people.urls")),
    path("", include("misper.episodes.urls")),
    path("", include("misper.incidents.urls")),
    path("", include("misper.partners.urls")),
    path("", include("misper.analytics.urls")),
    path("", include("misper.learning.urls")),
    path("", include("misper.national.urls")),
    path("", include("misper.audit.urls")),
    path("", include("misper.accounts.urls")),
]
