from django.urls import include, path

from misper.config.api import api

urlpatterns = [
    path("api/v1/", api.urls),
    path("", include("misper.web.urls")),
]
