from django.urls import path

from ecosys.web import views

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/me/", views.account_page, name="account"),
    path("programmes/<slug:code>/", views.programme_page, name="programme"),
    path("ecosystems/<slug:code>/", views.ecosystem_page, name="ecosystem"),
    path("ecosystems/<slug:code>/value-chain.csv", views.value_chain_download, name="value_chain_csv"),
    path("ecosystems/<slug:code>/value-chain/import", views.value_chain_upload, name="value_chain_import"),
    path("contracts/<slug:code>/", views.contract_page, name="contract"),
    path("contracts/<slug:code>/amendments/new", views.amendment_propose, name="amendment_propose"),
    path("amendments/<int:pk>/decision", views.amendment_decide, name="amendment_decide"),
    path("targets/<int:pk>/milestones/<int:year>", views.milestone_set, name="milestone_set"),
]
