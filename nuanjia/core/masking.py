"""How personal data is shown to people who may not see it whole (lists, publicity 公示, exports).

Every function takes None or "" and returns "", and masks whatever it cannot parse rather than
showing it: a masking helper must never be the place a full number leaks out.
"""

from nuanjia.core.idnumbers import normalize_id_number
from nuanjia.core.phones import is_mobile, normalize_phone

MASK = "*"
_NAME_SEPARATORS = frozenset(" ·•・.")  # kept so 买买提·艾力 stays readable as two parts


def mask_id_number(number: str | None) -> str:
    """Keep the first 4 (province and city) and the last 4: "4101**********123X"."""
    number = normalize_id_number(number)
    if len(number) <= 8:
        return MASK * len(number)
    return number[:4] + MASK * (len(number) - 8) + number[-4:]


def mask_phone(number: str | None) -> str:
    """Mobile "138****5678"; landline keeps its area code and last 4, "0371-****5678"."""
    number = normalize_phone(number)
    if not number:
        return ""
    if is_mobile(number):
        return number[:3] + MASK * 4 + number[-4:]
    if "-" in number:
        area, subscriber = number.split("-", 1)
        return f"{area}-{_keep_last(subscriber, 4)}"
    return _keep_last(number, 4)


def mask_bank_account(number: str | None) -> str:
    """Always "**** **** **** 1234": the last 4 only, and the length is not given away."""
    digits = "".join(str(number or "").split()).replace("-", "")
    if not digits:
        return ""
    last = digits[-4:] if len(digits) > 4 else MASK * 4
    return f"{MASK * 4} {MASK * 4} {MASK * 4} {last}"


def mask_name(name: str | None) -> str:
    """Keep the first character, one * for each other: 张三 → 张*, 欧阳娜娜 → 欧***."""
    name = str(name or "").strip()
    if not name:
        return ""
    return name[0] + "".join(char if char in _NAME_SEPARATORS else MASK for char in name[1:])


def _keep_last(text: str, count: int) -> str:
    if len(text) <= count:
        return MASK * len(text)
    return MASK * (len(text) - count) + text[-count:]
