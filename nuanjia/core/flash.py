"""Pages' one-click actions: run the service, and tell the user how it went in a message."""

from collections.abc import Callable

from django.contrib import messages
from django.http import HttpRequest

from .errors import RuleViolation


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
