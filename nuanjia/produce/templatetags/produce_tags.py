from django import template

from ..units import format_jin

register = template.Library()


@register.filter
def jin(grams: int | None) -> str:
    """Grams → "1,234.5" 斤."""
    return format_jin(grams)
