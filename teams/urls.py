from django.urls import path

from . import views

app_name = "teams"
urlpatterns = [
    path("assessments/<int:pk>/team/", views.team_view, name="team"),
    path("assessments/<int:pk>/team/assignments/", views.assignment_set_view, name="assignment_set"),
    path("team/assignments/<int:pk>/remove/", views.assignment_remove_view, name="assignment_remove"),
    path("assessments/<int:pk>/team/panels/", views.panel_open_view, name="panel_open"),
    path("team/panels/<int:pk>/close/", views.panel_close_view, name="panel_close"),
    path("assessments/<int:pk>/team/items/<str:item>/", views.item_responses_view, name="item"),
    path("assessments/<int:pk>/team/mine.xlsx", views.respondent_export_view, name="respondent_export"),
    path("assessments/<int:pk>/team/mine/import/", views.respondent_import_view, name="respondent_import"),
]
