from django.urls import path

from . import views

app_name = "kpis"
urlpatterns = [
    path("organisations/<int:pk>/kpis/", views.kpi_list_view, name="list"),
    path("organisations/<int:pk>/kpis/import/", views.kpi_import_view, name="import"),
    path("organisations/<int:pk>/kpis/<str:code>/", views.kpi_detail_view, name="detail"),
    path(
        "organisations/<int:pk>/kpis/values/<int:value_pk>/evidence/",
        views.kpi_evidence_view,
        name="evidence",
    ),
]
