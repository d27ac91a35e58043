"""Template filters of the hardship pages."""

from django import template

from nuanjia.hardship.rules import Category, format_yuan

register = template.Library()


@register.filter
def yuan(fen):
    """分 → "1,234.56" (empty for None)."""
    return format_yuan(fen)


@register.filter
def member_income_fen(member):
    """A member's 12-month income from every source, in 分."""
    return sum(
        getattr(member, name)
        for name in (
            "wage_income_fen",
            "business_income_fen",
            "property_income_fen",
            "transfer_income_fen",
            "other_income_fen",
        )
    )


@register.filter
def member_costs_fen(member):
    """A member's 12-month deductible costs, in 分."""
    return sum(
        getattr(member, name)
        for name in (
            "illness_cost_fen",
            "disability_cost_fen",
            "school_cost_fen",
            "housing_cost_fen",
            "other_cost_fen",
        )
    )


@register.filter
def category_name(value: str) -> str:
    """A category code in words (深度困难…)."""
    return str(Category(value).label) if value in Category.values else value
