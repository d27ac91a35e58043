"""Template filters of the people pages."""

from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def yuan(fen) -> str:
    """Integer 分 shown as 元 with two decimals: 123456 → "1234.56"."""
    if fen is None or fen == "":
        return ""
    return f"{(Decimal(int(fen)) / 100).quantize(Decimal('0.01'))}"


@register.filter
def age(birth_date) -> str:
    """Completed years today (周岁), or "" when the birth date is unknown."""
    if not birth_date:
        return ""
    from django.utils import timezone

    from nuanjia.core.idnumbers import age_on

    return str(age_on(birth_date, timezone.localdate()))


@register.filter
def masked_name(name) -> str:
    """张三 → 张*: for records kept outside the viewer's area."""
    from nuanjia.core.masking import mask_name

    return mask_name(name)
