from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from assessments import views as assessment_views
from common.mail import QueuedPasswordResetForm

admin.site.site_header = _("Maturity Portal administration")
admin.site.site_title = _("Maturity Portal")

urlpatterns = [
    path("", assessment_views.dashboard_view, name="home"),
    path("", include("assessments.urls")),
    path("", include("reports.urls")),
    path("model/", include("capability_model.urls")),
    # The reset email is sent by the queue (with retries), like every other email.
    path(
        "accounts/password_reset/",
        auth_views.PasswordResetView.as_view(form_class=QueuedPasswordResetForm),
        name="password_reset",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
