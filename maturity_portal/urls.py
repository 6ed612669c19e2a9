from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from assessments import views as assessment_views

admin.site.site_header = _("Maturity Portal administration")
admin.site.site_title = _("Maturity Portal")

urlpatterns = [
    path("", assessment_views.dashboard_view, name="home"),
    path("", include("assessments.urls")),
    path("", include("reports.urls")),
    path("", include("improvement.urls")),
    path("model/", include("capability_model.urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
