from django.apps import AppConfig


class InvestmentsConfig(AppConfig):
    name = "ecosys.investments"
    label = "investments"
    verbose_name = "Investments"
