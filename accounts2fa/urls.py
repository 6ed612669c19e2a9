from django.urls import path

from . import views

app_name = "accounts2fa"

urlpatterns = [
    path("", views.manage_view, name="manage"),
    path("verify/", views.verify_view, name="verify"),
    path("setup/", views.setup_view, name="setup"),
    path("recovery-codes/", views.recovery_codes_view, name="recovery_codes"),
]
