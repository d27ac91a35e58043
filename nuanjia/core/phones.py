"""Mainland phone numbers: 11-digit mobile numbers (手机号) and, where a form allows, landlines (固定电话).

Stored forms: a mobile number is its 11 digits ("13812345678"); a landline is
"area code-number" ("0371-12345678", "0371-12351"). Area codes follow the mainland plan:
010 and 020–029 have three digits, every other area code has four. After the area code come
7–8 digits not starting with 0 (a second 0 is a doubled trunk prefix), or a 5-digit
service number starting 1 or 9 (12351, 12345, 95588).
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MOBILE = re.compile(r"1[3-9][0-9]{9}")
_SUBSCRIBER = re.compile(r"[1-9][0-9]{6,7}|[19][0-9]{4}")

_FOLD = str.maketrans(
    {chr(0xFF10 + digit): str(digit) for digit in range(10)}
    | {"\uff0b": "+"}
    # separators people type or paste: spaces, dashes of every width, brackets, dots
    | {char: None for char in " -().\u2010\u2011\u2012\u2013\u2014\u2212\uff0d\uff08\uff09\uff0e"}
    | {char: None for char in "\u200b\u200c\u200d\ufeff"}
)


def normalize_phone(raw: str | None) -> str:
    """The stored form of a mobile or landline number, or the cleaned input when it is neither.

    Drops separators, folds full-width digits and removes the country code (+86, 0086, or a
    bare 86 before an 11-digit mobile number); a landline written with +86 regains its 0.
    """
    digits = "".join(str(raw or "").translate(_FOLD).split())
    digits, had_country_code = _strip_country_code(digits)
    if had_country_code and not MOBILE.fullmatch(digits) and digits[:1] not in ("", "0"):
        digits = "0" + digits  # +86 371 … is dialled 0371 … at home
    if digits.startswith("0") and MOBILE.fullmatch(digits[1:]):
        digits = digits[1:]  # a mobile number dialled with the long-distance 0
    if MOBILE.fullmatch(digits):
        return digits
    landline = _split_landline(digits)
    return "-".join(landline) if landline else digits


def validate_phone(raw: str | None, *, allow_landline: bool = False) -> str:
    """Return the stored form, or raise ValidationError with a message in Chinese."""
    number = normalize_phone(raw)
    if not number:
        raise ValidationError(_("Please enter a phone number."), code="phone_required")
    if is_mobile(number):
        return number
    if "-" in number and allow_landline:  # only a well-formed landline keeps a dash
        return number
    bad = sorted({char for char in number if char not in "0123456789-"})
    if bad:
        raise ValidationError(
            _("The phone number contains characters that are not allowed: %(chars)s")
            % {"chars": " ".join(bad)},
            code="phone_characters",
        )
    if allow_landline:
        raise ValidationError(
            _(
                "Enter an 11-digit mobile number, or a landline with its area code (for example 0371-12345678)."
            ),
            code="phone_invalid",
        )
    raise ValidationError(
        _(
            "The mobile number must have 11 digits and start with 13 to 19 (for example 13812345678)."
        ),
        code="mobile_invalid",
    )


def is_mobile(number: str) -> bool:
    """Whether a normalized number is a mainland mobile number."""
    return bool(MOBILE.fullmatch(number))


def _strip_country_code(digits: str) -> tuple[str, bool]:
    for prefix in ("+86", "0086"):
        if digits.startswith(prefix):
            return digits[len(prefix) :], True
    if len(digits) == 13 and digits.startswith("86") and MOBILE.fullmatch(digits[2:]):
        return digits[2:], True
    return digits, False


def _split_landline(digits: str) -> tuple[str, str] | None:
    """(area code, number) when the digits are a landline with its area code."""
    if not (digits.isascii() and digits.isdigit() and digits.startswith("0")) or digits.startswith(
        "00"
    ):
        return None
    if digits.startswith("01") and not digits.startswith("010"):
        return None  # no area code starts 01 except Beijing's 010
    area_length = 3 if digits.startswith(("010", "02")) else 4
    area, subscriber = digits[:area_length], digits[area_length:]
    if len(area) != area_length or not _SUBSCRIBER.fullmatch(subscriber):
        return None
    return area, subscriber
