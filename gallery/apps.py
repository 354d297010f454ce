from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GalleryConfig(AppConfig):
    name = "gallery"
    verbose_name = _("Gallery")
    default_auto_field = "django.db.models.AutoField"

    def ready(self):
        from . import checks, signals  # noqa: F401  (registration side effects)
