from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from assessments import views as assessment_views
from common.mail import QueuedPasswordResetForm
from common.views import favicon_view

admin.site.site_header = _("Maturity Portal administration")
admin.site.site_title = _("Maturity Portal")

urlpatterns = [
    path("", assessment_views.dashboard_view, name="home"),
    path("", include("assessments.urls")),
    path("", include("reports.urls")),
    path("", include("improvement.urls")),
    path("", include("benchmark.urls")),
    path("", include("kpis.urls")),
    path("", include("teams.urls")),
    path("model/", include("capability_model.urls")),
    # The reset email is sent by the queue (with retries), like every other email.
    path(
        "accounts/password_reset/",
        auth_views.PasswordResetView.as_view(form_class=QueuedPasswordResetForm),
        name="password_reset",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    path("account/tokens/", include("api.token_urls")),
    path("account/two-factor/", include("accounts2fa.urls")),
    path("api/", include("api.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    # Browsers ask for /favicon.ico whatever the page declares.
    path("favicon.ico", favicon_view, name="favicon"),
]
