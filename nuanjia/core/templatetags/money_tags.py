"""Template filters for money held in 分: 元, 万元 and 大写金额 (nuanjia.core.money)."""

from django import template

from nuanjia.core import money

register = template.Library()


@register.filter
def yuan(fen: int | None) -> str:
    """分 → "1,234.56" (empty for None)."""
    return money.format_yuan(fen)


@register.filter
def wan(fen: int | None) -> str:
    """分 → 万元 with two decimals ("2,560.00")."""
    return money.format_wan(fen)


@register.filter
def capital(fen: int | None) -> str:
    """分 → 大写金额 ("壹万陆仟肆佰零玖元零贰分")."""
    return "" if fen is None else money.chinese_capital(fen)


@register.filter
def in_unit(fen: int | None, unit: str) -> str:
    """分 in the page's unit: "wan" for 万元, anything else for 元."""
    return money.format_wan(fen) if unit == "wan" else money.format_yuan(fen)
