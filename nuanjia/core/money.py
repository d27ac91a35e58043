"""Money at the edges: yuan text ↔ integer 分, 元 and 万元 for display, 大写金额 for vouchers.

The database holds integer 分 (fen) in `*_fen` BigIntegerFields; code that computes with yuan
uses `Decimal`, never float. Everything here is pure (no database) so pages, imports, the API
and reports share one reading of an amount and one way of writing it.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.translation import gettext as _

from .errors import RuleViolation

CENT = Decimal("0.01")
FEN_PER_YUAN = 100
FEN_PER_WAN = 1_000_000  # 1万元 = 10,000 元 = 1,000,000 分
# The largest amount one posting may carry: 1万亿元 (far above any union budget, far below
# the 9.2e18 a BigIntegerField holds, so sums over millions of rows cannot overflow).
MAX_FEN = 10**14
# What a typed amount may look like once normalised: digits, one optional point.
_AMOUNT_TEXT = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")


def fen_to_yuan(fen: int | None) -> Decimal | None:
    """分 → Decimal yuan with two places (None stays None)."""
    if fen is None:
        return None
    return (Decimal(int(fen)) / FEN_PER_YUAN).quantize(CENT)


def yuan_to_fen(yuan: Decimal | int | str) -> int:
    """Decimal yuan → 分, exactly; more than two decimals is an error, never rounded."""
    value = Decimal(yuan) if not isinstance(yuan, Decimal) else yuan
    fen = value * FEN_PER_YUAN
    if fen != fen.to_integral_value():
        raise ValueError(f"{yuan} has more than two decimals")
    return int(fen)


def _normalise(text: str) -> str:
    """Full-width digits and punctuation to ASCII, thousands separators and a trailing 元 off."""
    text = unicodedata.normalize("NFKC", text).strip()
    for noise in (",", " ", "\u00a0", "，"):
        text = text.replace(noise, "")
    if text.endswith("元") and not text.endswith("万元"):
        text = text[:-1]
    return text


def parse_yuan(
    value: object,
    *,
    field: str = "amount",
    label: str | None = None,
    allow_zero: bool = False,
    max_fen: int = MAX_FEN,
) -> int:
    """An amount in yuan as typed (or as a spreadsheet cell holds it) → integer 分.

    Accepts "2500", "2,500.50", "２５００", "2500元", an int, a Decimal or a float cell.
    Refuses, with a Chinese message naming the field (`label`, else `field`): empty text,
    anything not a number, zero (unless `allow_zero`), a negative amount, more than two
    decimals (never silently rounded: 0.005 元 is not a payable amount), and amounts above
    `max_fen`. The error carries `field` so forms and the API can attach it.
    """
    name = str(label or field)
    if value is None or (isinstance(value, str) and not value.strip()):
        raise RuleViolation(_("%(field)s: enter an amount.") % {"field": name}, field=field)
    if isinstance(value, bool):
        raise RuleViolation(_("%(field)s: not an amount.") % {"field": name}, field=field)
    try:
        if isinstance(value, Decimal):
            amount = value
        elif isinstance(value, int):
            amount = Decimal(value)
        elif isinstance(value, float):
            # A spreadsheet number: its shortest repr is what the user typed ("2560.1").
            amount = Decimal(repr(value))
        else:
            text = _normalise(str(value))
            if not _AMOUNT_TEXT.match(text):
                raise ValueError(text)
            amount = Decimal(text)
    except (InvalidOperation, ValueError):
        raise RuleViolation(
            _("%(field)s: “%(value)s” is not an amount in yuan (e.g. 2500 or 2500.50).")
            % {"field": name, "value": str(value)[:40]},
            field=field,
        ) from None
    if not amount.is_finite():
        raise RuleViolation(
            _("%(field)s: “%(value)s” is not an amount in yuan (e.g. 2500 or 2500.50).")
            % {"field": name, "value": str(value)[:40]},
            field=field,
        )
    if amount < 0:
        raise RuleViolation(
            _("%(field)s: the amount cannot be negative.") % {"field": name}, field=field
        )
    if amount == 0 and not allow_zero:
        raise RuleViolation(
            _("%(field)s: the amount must be greater than zero.") % {"field": name}, field=field
        )
    fen = amount * FEN_PER_YUAN
    if fen != fen.to_integral_value():
        raise RuleViolation(
            _("%(field)s: at most two decimals (yuan and fen), got “%(value)s”.")
            % {"field": name, "value": str(value)[:40]},
            field=field,
        )
    if fen > max_fen:
        raise RuleViolation(
            _("%(field)s: the amount is larger than %(max)s yuan.")
            % {"field": name, "max": format_yuan(max_fen)},
            field=field,
        )
    return int(fen)


def check_fen(amount_fen: object, *, field: str = "amount", label: str | None = None) -> int:
    """A service's guard on an amount already in 分: a positive int within MAX_FEN."""
    name = str(label or field)
    if isinstance(amount_fen, bool) or not isinstance(amount_fen, int):
        raise RuleViolation(_("%(field)s: not an amount.") % {"field": name}, field=field)
    if amount_fen < 0:
        raise RuleViolation(
            _("%(field)s: the amount cannot be negative.") % {"field": name}, field=field
        )
    if amount_fen == 0:
        raise RuleViolation(
            _("%(field)s: the amount must be greater than zero.") % {"field": name}, field=field
        )
    if amount_fen > MAX_FEN:
        raise RuleViolation(
            _("%(field)s: the amount is larger than %(max)s yuan.")
            % {"field": name, "max": format_yuan(MAX_FEN)},
            field=field,
        )
    return amount_fen


def format_yuan(fen: int | None, *, grouping: bool = True) -> str:
    """分 → "1,234.56" (元 with two decimals; "" for None; "-1.00" for negatives)."""
    if fen is None:
        return ""
    sign = "-" if fen < 0 else ""
    yuan, cents = divmod(abs(int(fen)), FEN_PER_YUAN)
    whole = f"{yuan:,}" if grouping else str(yuan)
    return f"{sign}{whole}.{cents:02d}"


def format_wan(fen: int | None, *, places: int = 2) -> str:
    """分 → 万元 with `places` decimals, rounded half up ("2,560.00" for 2560万元)."""
    if fen is None:
        return ""
    quantum = Decimal(1).scaleb(-places)
    wan = (Decimal(int(fen)) / FEN_PER_WAN).quantize(quantum, rounding=ROUND_HALF_UP)
    return f"{wan:,.{places}f}"


def wan_to_fen(wan: Decimal | int | str) -> int:
    """万元 → 分, exactly (for figures quoted in 万元, like 977.5万元)."""
    return yuan_to_fen(Decimal(wan) * 10_000)


_DIGITS = "零壹贰叁肆伍陆柒捌玖"


def _capital_group(number: int) -> str:
    """1..9999 in capitals: one 零 for any run of inner zeros, none for trailing zeros."""
    out = ""
    pending_zero = False
    for digit, unit in zip(f"{number:04d}", ("仟", "佰", "拾", ""), strict=True):
        if digit == "0":
            pending_zero = bool(out)
            continue
        if pending_zero:
            out += "零"
            pending_zero = False
        out += _DIGITS[int(digit)] + unit
    return out


def _capital_integer(number: int) -> str:
    """A positive whole number in capitals, 拾 always with its digit (壹拾万, not 拾万)."""
    if number >= 10**8:
        high, low = divmod(number, 10**8)
        text = _capital_integer(high) + "亿"
        if low:
            text += ("零" if low < 10**7 else "") + _capital_integer(low)
        return text
    if number >= 10**4:
        high, low = divmod(number, 10**4)
        text = _capital_group(high) + "万"
        if low:
            text += ("零" if low < 1000 else "") + _capital_group(low)
        return text
    return _capital_group(number)


def chinese_capital(fen: int) -> str:
    """大写金额 of an amount in 分, as written on vouchers and bank forms.

    Follows the rules the campaign's vouchers use: 整 after 元 or 角, never after 分; a 零
    where the 元 digit is zero before a 角, and where 角 is zero before a 分:
    1640902 → 壹万陆仟肆佰零玖元零贰分; 10700053 → 壹拾万柒仟元零伍角叁分; 0 → 零元整.
    """
    fen = int(fen)
    if fen < 0:
        return "负" + chinese_capital(-fen)
    yuan, rest = divmod(fen, FEN_PER_YUAN)
    jiao, cents = divmod(rest, 10)
    if fen == 0:
        return "零元整"
    text = _capital_integer(yuan) + "元" if yuan else ""
    if jiao:
        if yuan and yuan % 10 == 0:
            text += "零"
        text += _DIGITS[jiao] + "角"
    elif cents and yuan:
        text += "零"
    if cents:
        text += _DIGITS[cents] + "分"
    else:
        text += "整"
    return text
