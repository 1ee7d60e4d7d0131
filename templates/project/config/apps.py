from django.apps import AppConfig


class ProjectConfig(AppConfig):
    """The project's own app: the database cache's table, and the security log's signals."""

    name = "config"

    def ready(self) -> None:
        from config import security  # noqa: F401  (connects the signal receivers)
