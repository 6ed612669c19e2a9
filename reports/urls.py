from django.urls import path

from . import spreadsheet_views, views

app_name = "reports"
urlpatterns = [
    path("assessments/<int:pk>/report/", views.report_view, name="report"),
    path("assessments/<int:pk>/report.pdf", views.report_pdf_view, name="report_pdf"),
    path("organisations/<int:pk>/compare/", views.comparison_view, name="comparison"),
    path("organisations/<int:pk>/compare.pdf", views.comparison_pdf_view, name="comparison_pdf"),
    path("assessments/<int:pk>/export.xlsx", spreadsheet_views.export_view, name="export_xlsx"),
    path("assessments/<int:pk>/import/", spreadsheet_views.import_view, name="import_xlsx"),
]
