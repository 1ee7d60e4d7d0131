from django.apps import AppConfig


class ProjectConfig(AppConfig):
    """The project's own app: the database cache's table, and the signal receivers of
    the security log and the sign-in limit per account."""

    name = "config"

    def ready(self) -> None:
        from config import security, throttling  # noqa: F401  (connect their receivers)
