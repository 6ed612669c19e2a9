from django.urls import path

from . import views

app_name = "assessments"
urlpatterns = [
    path("organisations/<int:pk>/members/", views.organisation_members_view, name="organisation_members"),
    path(
        "organisations/<int:pk>/members/<int:membership_pk>/remove/",
        views.membership_remove_view,
        name="membership_remove",
    ),
    path("invitations/", views.invitation_list_view, name="invitations"),
    path("invitations/<int:pk>/accept/", views.invitation_accept_view, name="invitation_accept"),
    path("invitations/<int:pk>/decline/", views.invitation_decline_view, name="invitation_decline"),
    path("organisations/<int:pk>/assessments/new/", views.assessment_start_view, name="start"),
    path("assessments/<int:pk>/", views.assessment_detail_view, name="detail"),
    path("assessments/<int:pk>/submit/", views.assessment_submit_view, name="submit"),
    path("assessments/<int:pk>/domains/<str:domain>/", views.questionnaire_view, name="questionnaire"),
    path(
        "assessments/<int:pk>/domains/<str:domain>/confirm-carried/",
        views.carried_over_confirm_view,
        name="confirm_carried",
    ),
    path("assessments/<int:pk>/answers/<str:code>/", views.answer_autosave_view, name="autosave"),
    path(
        "assessments/<int:pk>/answers/<str:code>/evidence/",
        views.evidence_upload_view,
        name="evidence_upload",
    ),
    path("review/", views.review_queue_view, name="review_queue"),
    path("assessments/<int:pk>/review/", views.review_start_view, name="review_start"),
    path("assessments/<int:pk>/review/<str:domain>/", views.review_view, name="review"),
    path(
        "assessments/<int:pk>/review/answers/<str:code>/",
        views.review_autosave_view,
        name="review_autosave",
    ),
    path("assessments/<int:pk>/decide/", views.decide_view, name="decide"),
    path("assessments/<int:pk>/history/", views.history_view, name="history"),
    path("evidence/<int:pk>/", views.evidence_download_view, name="evidence_download"),
    path("evidence/<int:pk>/delete/", views.evidence_delete_view, name="evidence_delete"),
]
