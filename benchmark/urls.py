from django.urls import path

from . import views

app_name = "benchmark"
urlpatterns = [
    path("organisations/<int:pk>/benchmark/", views.peer_settings_view, name="settings"),
]
