from django.urls import path

from ecosys.governance import views

app_name = "governance"

urlpatterns = [
    path("governance/", views.committee_list, name="committees"),
    path("governance/mine/", views.my_initiatives, name="mine"),
    path("governance/committees/new", views.committee_new, name="committee_new"),
    path("governance/committees/<int:pk>/", views.committee_page, name="committee"),
    path("governance/committees/<int:pk>/members", views.member_add, name="member_add"),
    path("governance/committees/<int:pk>/chair", views.chair_set, name="chair_set"),
    path("governance/committees/<int:pk>/meetings", views.meeting_create, name="meeting_create"),
    path("governance/committees/<int:pk>/initiatives", views.initiative_create, name="initiative_create"),
    path("governance/meetings/<int:pk>/", views.meeting_page, name="meeting"),
    path("governance/meetings/<int:pk>/minutes", views.minutes_write, name="minutes_write"),
    path("governance/meetings/<int:pk>/approve", views.minutes_approve, name="minutes_approve"),
    path("governance/meetings/<int:pk>/decisions", views.decision_record, name="decision_record"),
    path("governance/meetings/<int:pk>/attendance", views.attendance_record, name="attendance_record"),
    path("governance/meetings/<int:pk>/minutes.pdf", views.minutes_pdf, name="minutes_pdf"),
    path("governance/initiatives/<int:pk>/", views.initiative_page, name="initiative"),
    path("governance/initiatives/<int:pk>/status", views.initiative_status, name="initiative_status"),
    path("governance/initiatives/<int:pk>/notes", views.progress_note_add, name="progress_note_add"),
]
