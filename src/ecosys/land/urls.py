from django.urls import path

from ecosys.land import views

app_name = "land"

urlpatterns = [
    path("land/", views.zone_list, name="zones"),
    path("land/import/zones", views.zones_import, name="zones_import"),
    path("land/import/parcels", views.parcels_import, name="parcels_import"),
    path("land/zones/<slug:code>/", views.zone_page, name="zone"),
    path("land/requests/", views.request_list, name="requests"),
    path("land/requests/new", views.request_new, name="request_new"),
    path("land/requests/<str:reference>/", views.request_page, name="request"),
    path("land/requests/<str:reference>/reserve", views.request_reserve, name="request_reserve"),
    path("land/requests/<str:reference>/allocate", views.request_allocate, name="request_allocate"),
    path("land/requests/<str:reference>/agreement", views.request_sign, name="request_sign"),
    path("land/requests/<str:reference>/built", views.request_built, name="request_built"),
    path("land/requests/<str:reference>/release", views.request_release, name="request_release"),
    path("land/requests/<str:reference>/withdraw", views.request_withdraw, name="request_withdraw"),
    path("land/optimiser/", views.optimiser_page, name="optimiser"),
    path("land/optimiser/<int:pk>/", views.proposal_page, name="proposal"),
    path("land/optimiser/<int:pk>/accept", views.proposal_accept, name="proposal_accept"),
]
