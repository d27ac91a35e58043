"""Template filters for the audit trail: an event type's name and a readable change list."""

from django import template

from nuanjia.core.audit_changes import change_rows as rows_of
from nuanjia.core.audit_names import event_name as name_of

register = template.Library()


@register.filter
def event_name(action: str) -> str:
    """`login.succeeded` → 登录成功 (the code itself when it has no name)."""
    return name_of(action)


@register.filter
def change_rows(changes):
    """An event's `changes` as rows of field, before and after (see core.audit_changes)."""
    return rows_of(changes)
