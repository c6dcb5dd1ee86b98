from django.urls import path

from ecosys.monitoring import views

app_name = "monitoring"

urlpatterns = [
    path("monitoring/", views.monitoring_home, name="home"),
    path("monitoring/<slug:code>/", views.programme_dashboard, name="programme"),
    path("monitoring/<slug:code>/ecosystems/<slug:ecosystem>/", views.ecosystem_dashboard, name="ecosystem"),
    path("monitoring/<slug:code>/iati.xml", views.iati_download, name="iati"),
    path("monitoring/<slug:code>/periods/lock", views.period_lock, name="period_lock"),
    path("monitoring/<slug:code>/periods/<int:pk>/unlock", views.period_unlock, name="period_unlock"),
    path("monitoring/<slug:code>/unlocks/<int:pk>/decision", views.unlock_decide, name="unlock_decide"),
    path("monitoring/<slug:code>/thresholds", views.thresholds_set, name="thresholds"),
    path("monitoring/<slug:code>/reports", views.report_request, name="report_request"),
    path("reports/<int:pk>/", views.report_page, name="report"),
    path("reports/<int:pk>/report.pdf", views.report_pdf, name="report_pdf"),
]
