"""Password policy (等保 level 3): at least 10 characters from at least 3 of 4 classes.

The four classes are lower-case letters, capital letters, digits and symbols. A character
is classed by its Unicode category, so that the rule is the same for every script:

- lower case: letters of category Ll (a-z, but also é, ß, full-width ａ);
- capital: categories Lu and Lt (A-Z, É, full-width Ａ);
- digit: category Nd (0-9 and full-width ０-９);
- symbol: everything else — punctuation, spaces, and letters without case, which is how
  Chinese characters (category Lo) count. A Chinese character is not a letter an
  attacker's Latin dictionary holds, and it widens the search space as much as any
  symbol does, so "abcdefg中文1" mixes three classes.

Other validators (common passwords, similarity to the user name) still apply on top.
"""

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MIN_LENGTH = 10
MIN_CLASSES = 3

LOWER, UPPER, DIGIT, SYMBOL = "lower", "upper", "digit", "symbol"


def character_class(char: str) -> str:
    """The class of one character: lower, upper, digit or symbol (see the module docstring)."""
    category = unicodedata.category(char)
    if category == "Ll":
        return LOWER
    if category in {"Lu", "Lt"}:
        return UPPER
    if category == "Nd":
        return DIGIT
    return SYMBOL


def character_classes(password: str) -> int:
    """How many of lower case, capital letters, digits and symbols the password uses."""
    return len({character_class(char) for char in password})


class ComplexityValidator:
    """At least MIN_LENGTH characters mixing at least MIN_CLASSES of the four classes."""

    def validate(self, password: str, user=None) -> None:
        if len(password) < MIN_LENGTH:
            raise ValidationError(
                _("The password must have at least %(min)d characters.") % {"min": MIN_LENGTH},
                code="password_too_short",
            )
        if character_classes(password) < MIN_CLASSES:
            raise ValidationError(
                _(
                    "The password must mix at least 3 of: lower-case letters, capital letters, "
                    "digits, symbols (a Chinese character counts as a symbol)."
                ),
                code="password_too_simple",
            )

    def get_help_text(self) -> str:
        return _(
            "At least 10 characters, mixing at least 3 of: lower-case letters, capital letters, "
            "digits, symbols."
        )
