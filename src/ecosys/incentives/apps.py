from django.apps import AppConfig


class IncentivesConfig(AppConfig):
    name = "ecosys.incentives"
    label = "incentives"
    verbose_name = "Incentives"
