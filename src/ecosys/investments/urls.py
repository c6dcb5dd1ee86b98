from django.urls import path, re_path

from ecosys.investments.views import bank, companies, imports, jobs, projects

app_name = "investments"

urlpatterns = [
    path("projects/", projects.project_list, name="project_list"),
    path("projects/new", projects.project_create_page, name="project_create"),
    path("projects/<slug:code>/", projects.project_page, name="project"),
    path("projects/<slug:code>/edit", projects.project_edit_page, name="project_edit"),
    path("projects/<slug:code>/transition", projects.project_move, name="project_transition"),
    path("bank/", bank.sheet_list, name="sheet_list"),
    path("bank/<slug:code>/", bank.sheet_page, name="sheet"),
    path("bank/<slug:code>/take-up", bank.sheet_take_up, name="sheet_take_up"),
    path("bank/<slug:code>/status", bank.sheet_status, name="sheet_status"),
    path("portal/", companies.portal, name="portal"),
    path("companies/<str:ice>/", companies.company_page, name="company"),
    path("companies/<str:ice>/declarations", companies.declaration_add, name="declaration_add"),
    path("imports/", imports.import_page, name="imports"),
    path("imports/upload", imports.import_upload, name="import_upload"),
    path("imports/<int:pk>/", imports.import_batch, name="import_batch"),
    path("imports/<int:pk>/progress", imports.import_progress, name="import_progress"),
    re_path(
        r"^imports/templates/(?P<kind>declarations|cnss)\.(?P<fmt>csv|xlsx)$",
        imports.import_template,
        name="import_template",
    ),
    path("verification/", imports.verification_page, name="verification"),
    path("verification/reconcile", imports.reconcile, name="reconcile"),
    path("jobs/", jobs.jobs_page, name="jobs"),
]
