"""Password policy (等保 level 3): at least 10 characters from at least 3 of 4 classes."""

import string

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MIN_LENGTH = 10
MIN_CLASSES = 3


def character_classes(password: str) -> int:
    """How many of lower case, upper case, digits and symbols the password uses."""
    return sum(
        [
            any(char.islower() for char in password),
            any(char.isupper() for char in password),
            any(char.isdigit() for char in password),
            any(char in string.punctuation or not char.isalnum() for char in password),
        ]
    )


class ComplexityValidator:
    def validate(self, password: str, user=None) -> None:
        if len(password) < MIN_LENGTH:
            raise ValidationError(
                _("The password must have at least %(min)d characters.") % {"min": MIN_LENGTH},
                code="password_too_short",
            )
        if character_classes(password) < MIN_CLASSES:
            raise ValidationError(
                _("The password must mix at least 3 of: lower-case letters, capital letters, digits, symbols."),
                code="password_too_simple",
            )

    def get_help_text(self) -> str:
        return _("At least 10 characters, mixing at least 3 of: lower-case letters, capital letters, digits, symbols.")
