"""Pages' actions and forms: run the service, and tell the user how it went in a message."""

from collections.abc import Callable
from typing import TypeVar

from django.contrib import messages
from django.forms import BaseForm
from django.http import HttpRequest

from .errors import RuleViolation
from .workflow_pages import apply_rule_error

T = TypeVar("T")


def attempt(request: HttpRequest, action: Callable[[], object], done_message: str) -> bool:
    """Run `action` and flash `done_message` (True), or the refusal's message (False): a
    RuleViolation changes nothing, the page the user returns to says why."""
    try:
        action()
    except RuleViolation as error:
        messages.error(request, error.message)
        return False
    messages.success(request, done_message)
    return True


def saved(
    request: HttpRequest,
    form: BaseForm,
    save: Callable[[], T],
    done_message: str | Callable[[T], str],
) -> T | None:
    """For a valid posted form: what `save` saved (never None), with `done_message` (or
    `done_message(saved)`) flashed. Not posted, not valid, or refused (the refusal shown on
    the form, nothing saved): None."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        result = save()
    except RuleViolation as error:
        apply_rule_error(form, error)
        return None
    messages.success(
        request, done_message if isinstance(done_message, str) else done_message(result)
    )
    return result
