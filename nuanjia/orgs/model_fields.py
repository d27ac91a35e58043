"""Field builders every app's models share: the staff member on a record."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models


def staff_field(**kwargs: Any) -> Any:
    """A staff member on a record (who proposed, approved, recorded…)."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", **kwargs
    )
