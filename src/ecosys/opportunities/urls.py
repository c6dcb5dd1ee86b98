from django.urls import path

from ecosys.opportunities import views

app_name = "opportunities"

urlpatterns = [
    path("opportunities/", views.home, name="home"),
    path("opportunities/studies/new", views.study_new, name="study_new"),
    path("opportunities/studies/<int:pk>/", views.study_page, name="study"),
    path("opportunities/studies/<int:pk>/opportunities.xlsx", views.study_xlsx, name="study_xlsx"),
    path("opportunities/studies/<int:pk>/sheets", views.study_sheets, name="study_sheets"),
    path("opportunities/studies/<int:pk>/ecosystems", views.study_ecosystems, name="study_ecosystems"),
    path("opportunities/studies/<int:pk>/products/<str:code>/", views.product_page, name="product"),
    path("opportunities/datasets/", views.dataset_list, name="datasets"),
    path("opportunities/datasets/new", views.dataset_new, name="dataset_new"),
    path("opportunities/datasets/<slug:code>/", views.dataset_page, name="dataset"),
    path("opportunities/datasets/<slug:code>/import", views.dataset_import, name="dataset_import"),
    path("opportunities/imports/<int:pk>/", views.import_page, name="import"),
]
