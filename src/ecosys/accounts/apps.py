from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "ecosys.accounts"
    label = "accounts"
    verbose_name = "Accounts"
