from django.urls import path

from . import job_views, spreadsheet_views, views

app_name = "reports"
urlpatterns = [
    path("assessments/<int:pk>/report/", views.report_view, name="report"),
    path("assessments/<int:pk>/report.pdf", views.report_pdf_view, name="report_pdf"),
    path("report-jobs/<int:pk>/", job_views.job_view, name="job"),
    path("report-jobs/<int:pk>/status.json", job_views.job_status_view, name="job_status"),
    path("report-jobs/<int:pk>/report.pdf", job_views.job_download_view, name="job_download"),
    path("report-jobs/<int:pk>/retry/", job_views.job_retry_view, name="job_retry"),
    path("organisations/<int:pk>/compare/", views.comparison_view, name="comparison"),
    path("organisations/<int:pk>/compare.pdf", views.comparison_pdf_view, name="comparison_pdf"),
    path("assessments/<int:pk>/export.xlsx", spreadsheet_views.export_view, name="export_xlsx"),
    path("assessments/<int:pk>/import/", spreadsheet_views.import_view, name="import_xlsx"),
]
