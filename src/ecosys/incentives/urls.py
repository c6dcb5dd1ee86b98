from django.urls import path

from ecosys.incentives import views

app_name = "incentives"

urlpatterns = [
    path("grants/", views.application_list, name="applications"),
    path("grants/new/", views.application_new, name="application_new"),
    path("grants/schemes/", views.scheme_list, name="schemes"),
    path("grants/schemes/<slug:key>/", views.scheme_page, name="scheme"),
    path("grants/schemes/<slug:key>/versions", views.version_add, name="version_add"),
    path("grants/schemes/<slug:key>/versions/<int:number>/close", views.version_close, name="version_close"),
    path("grants/envelopes/", views.envelope_list, name="envelopes"),
    path("grants/envelopes/new", views.envelope_new, name="envelope_new"),
    path("grants/simulator/", views.simulator, name="simulator"),
    path("grants/<str:reference>/", views.application_page, name="application"),
    path("grants/<str:reference>/edit/", views.application_edit, name="application_edit"),
    path("grants/<str:reference>/submit", views.application_submit, name="application_submit"),
    path("grants/<str:reference>/review", views.application_review, name="application_review"),
    path("grants/<str:reference>/decide", views.application_decide, name="application_decide"),
    path("grants/<str:reference>/sign", views.application_sign, name="application_sign"),
    path("grants/<str:reference>/proofs", views.proof_add, name="proof_add"),
    path("grants/<str:reference>/proofs/<int:pk>/check", views.proof_verify, name="proof_verify"),
    path("grants/<str:reference>/proofs/<int:pk>/file", views.proof_file, name="proof_file"),
    path("grants/<str:reference>/tranches/<int:number>/release", views.tranche_release, name="tranche_release"),
    path("grants/<str:reference>/clawback", views.clawback_apply, name="clawback_apply"),
    path("grants/<str:reference>/letter.pdf", views.decision_letter, name="letter"),
]
