from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "ecosys.monitoring"
    label = "monitoring"
    verbose_name = "Monitoring"
