"""Fields the models share."""

from django.conf import settings
from django.db import models


def user_field(verbose_name, **extra):
    """Who did something (recorded, reviewed, closed…): kept empty once the account is gone."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=verbose_name,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        **extra,
    )
