from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "ecosys.web"
    label = "web"
    verbose_name = "Web"
