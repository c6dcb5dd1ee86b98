from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import set_language

from ecosys.config.api import api

urlpatterns = [
    path("api/v1/", api.urls),
    path("i18n/setlang/", set_language, name="set_language"),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("", include("ecosys.investments.urls")),
    path("", include("ecosys.monitoring.urls")),
    path("", include("ecosys.governance.urls")),
    path("", include("ecosys.incentives.urls")),
    path("", include("ecosys.land.urls")),
    path("", include("ecosys.opportunities.urls")),
    path("", include("ecosys.web.urls")),
]
