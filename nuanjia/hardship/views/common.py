"""What every hardship page shares: list sizes, query strings, refusals shown on the form."""

from nuanjia.core.errors import RuleViolation

PAGE_SIZE = 50
SEARCH_LIMIT = 20
# A re-assessment touching at most this many files runs in the request; larger ones are queued.
INLINE_BULK_LIMIT = 20_000


# Service field names (分) → the form fields that carry them (元); the step pages declare
# theirs on their StepPage (core.workflow_pages).
FORM_FIELDS = {"monthly_fen": "monthly"}


def _on_form(error: RuleViolation) -> RuleViolation:
    """The refusal with the service's field named as the form names it (分 → 元 fields)."""
    field = FORM_FIELDS.get(error.field or "", error.field)
    return RuleViolation(error.message, field=field, code=error.code)


def _int_or_none(value) -> int | None:
    return int(value) if value and str(value).isdigit() else None


def _query_string(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()
