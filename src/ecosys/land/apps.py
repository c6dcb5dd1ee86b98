from django.apps import AppConfig


class LandConfig(AppConfig):
    name = "ecosys.land"
    label = "land"
    verbose_name = "Land"
