"""Template filters of the reports: a figure in its unit."""

from django import template

from nuanjia.reports import formatting

register = template.Library()


@register.filter
def figure(value: int | None, unit: str) -> str:
    return formatting.value_text(value, unit)


@register.filter
def unit_label(unit: str) -> str:
    return formatting.unit_label(unit)
