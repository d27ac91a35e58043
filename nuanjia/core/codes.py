"""Validation of the national code formats nuanjia reads (GB 32100 统一社会信用代码)."""

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

CREDIT_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_CODE_WEIGHTS = [pow(3, i, 31) for i in range(17)]  # 3^(i-1) mod 31 for positions 1..17


def credit_code_check_char(first17: str) -> str:
    """The 18th character of a 统一社会信用代码 for its first 17."""
    total = sum(
        CREDIT_CODE_ALPHABET.index(char) * weight
        for char, weight in zip(first17, CREDIT_CODE_WEIGHTS, strict=True)
    )
    return CREDIT_CODE_ALPHABET[(31 - total % 31) % 31]


def normalize_credit_code(raw: str) -> str:
    """Upper-case, strip spaces, fold full-width characters (NFKC: ９１ａｂ → 91AB)."""
    return "".join(unicodedata.normalize("NFKC", str(raw or "")).split()).upper()


def validate_credit_code(raw: str) -> str:
    """Return the normalized code, or raise ValidationError with a message in Chinese."""
    code = normalize_credit_code(raw)
    if len(code) != 18:
        raise ValidationError(
            _("The unified social credit code must have 18 characters (it has %(count)d).")
            % {"count": len(code)}
        )
    bad = sorted({char for char in code if char not in CREDIT_CODE_ALPHABET})
    if bad:
        raise ValidationError(
            _("The unified social credit code contains characters that are not allowed: %(chars)s")
            % {"chars": " ".join(bad)}
        )
    if credit_code_check_char(code[:17]) != code[17]:
        raise ValidationError(
            _("The unified social credit code's check character is wrong; please check the code.")
        )
    return code
