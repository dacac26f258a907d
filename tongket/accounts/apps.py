from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "tongket.accounts"
    label = "accounts"
    verbose_name = "accounts"

    def ready(self) -> None:
        from tongket.accounts import signals  # noqa: F401  (login/logout audit rows)
