from django.apps import AppConfig


class OpportunitiesConfig(AppConfig):
    name = "ecosys.opportunities"
    label = "opportunities"
    verbose_name = "Opportunities"
