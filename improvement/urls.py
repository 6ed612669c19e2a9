from django.urls import path

from . import views

app_name = "improvement"
urlpatterns = [
    path("assessments/<int:pk>/actions/", views.action_plan_view, name="action_plan"),
    path("assessments/<int:pk>/actions/suggest/", views.actions_suggest_view, name="actions_suggest"),
    path("assessments/<int:pk>/actions/new/", views.action_create_view, name="action_create"),
    path(
        "assessments/<int:pk>/actions.csv", views.action_plan_export_view, {"fmt": "csv"}, name="actions_csv"
    ),
    path(
        "assessments/<int:pk>/actions.xlsx",
        views.action_plan_export_view,
        {"fmt": "xlsx"},
        name="actions_xlsx",
    ),
    path("assessments/<int:pk>/actions/import/", views.action_plan_import_view, name="actions_import"),
    path("actions/<int:pk>/", views.action_edit_view, name="action_edit"),
    path("actions/<int:pk>/merge/", views.actions_merge_view, name="actions_merge"),
    path("actions/<int:pk>/evidence/", views.action_evidence_upload_view, name="action_evidence_upload"),
    path("action-evidence/<int:pk>/", views.action_evidence_download_view, name="action_evidence_download"),
    path("assessments/<int:pk>/reassess/", views.reassessment_start_view, name="reassess"),
    path(
        "assessments/<int:pk>/certification-package.zip",
        views.certification_package_view,
        name="certification_package",
    ),
    path("package-jobs/<int:pk>/", views.package_job_view, name="package_job"),
    path("package-jobs/<int:pk>/status.json", views.package_job_status_view, name="package_job_status"),
    path("package-jobs/<int:pk>/package.zip", views.package_job_download_view, name="package_job_download"),
    path("package-jobs/<int:pk>/retry/", views.package_job_retry_view, name="package_job_retry"),
    path("certification/signing-key/", views.signing_key_view, name="signing_key"),
    path("certification/signing-key.pem", views.signing_key_pem_view, name="signing_key_pem"),
]
