from django.urls import path

from . import views

app_name = "capability_model"
urlpatterns = [
    path("", views.model_overview_view, name="overview"),
]
