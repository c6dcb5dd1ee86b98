from django.apps import AppConfig


class ProgrammesConfig(AppConfig):
    name = "ecosys.programmes"
    label = "programmes"
    verbose_name = "Programmes"
