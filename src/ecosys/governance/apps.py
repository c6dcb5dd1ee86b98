from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "ecosys.governance"
    label = "governance"
    verbose_name = "Governance"
