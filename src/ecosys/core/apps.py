from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "ecosys.core"
    label = "core"
    verbose_name = "Ecosys core"
