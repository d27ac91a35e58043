"""Text people type: what it may not contain.

C0 and C1 control characters (except tab, line feed and carriage return) and the Unicode
bidirectional controls (U+202A–U+202E, U+2066–U+2069, the marks U+200E/U+200F/U+061C) are
refused everywhere text comes in — forms, the API, imported sheets. A right-to-left override
in a name (U+202E) makes staff read something other than what is stored.
"""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

FORBIDDEN = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069]"
)


def one_line(value: Any, field: str, max_length: int, *, required_message: str = "") -> str:
    """Typed text as one line (runs of white space folded), refused on `field` when longer
    than `max_length`, or empty where `required_message` is given."""
    return _checked(" ".join(str(value or "").split()), field, max_length, required_message)


def text_block(value: Any, field: str, max_length: int, *, required_message: str = "") -> str:
    """Typed text that may hold line breaks (a description, circumstances), trimmed, with the
    same checks as `one_line`."""
    return _checked(str(value or "").strip(), field, max_length, required_message)


def _checked(text: str, field: str, max_length: int, required_message: str) -> str:
    from .errors import RuleViolation

    if required_message and not text:
        raise RuleViolation(required_message, field=field)
    if len(text) > max_length:
        raise RuleViolation(
            _("This field has at most %(count)d characters.") % {"count": max_length}, field=field
        )
    found = first_forbidden(text)
    if found:
        raise RuleViolation(forbidden_message(found), field=field)
    return text


def first_forbidden(text: str) -> str | None:
    """The first forbidden character as ``U+XXXX``, or None when the text is clean."""
    match = FORBIDDEN.search(text)
    return f"U+{ord(match.group()):04X}" if match else None


def forbidden_message(code_point: str) -> str:
    return _(
        "Control characters and bidirectional text controls are not allowed (found %(char)s)."
    ) % {"char": code_point}


def validate_plain_text(value: Any) -> None:
    """Django validator: refuse control and bidi characters, with a Chinese message."""
    if isinstance(value, str):
        found = first_forbidden(value)
        if found:
            raise ValidationError(forbidden_message(found), code="control_character")


def first_forbidden_in(data: Any, path: str = "") -> tuple[str, str] | None:
    """Walk decoded JSON (or form values): the first (field path, code point) found."""
    if isinstance(data, str):
        found = first_forbidden(data)
        return (path, found) if found else None
    if isinstance(data, dict):
        items = ((f"{path}.{key}" if path else str(key), value) for key, value in data.items())
    elif isinstance(data, list):
        items = (
            (f"{path}.{index}" if path else str(index), value) for index, value in enumerate(data)
        )
    else:
        return None
    for field_path, value in items:
        hit = first_forbidden_in(value, field_path)
        if hit:
            return hit
    return None


def install_form_validator() -> None:
    """Every form CharField (and its subclasses without validators of their own) refuses
    forbidden characters: called once from CoreConfig.ready()."""
    from django import forms

    if validate_plain_text not in forms.CharField.default_validators:
        forms.CharField.default_validators = [
            *forms.CharField.default_validators,
            validate_plain_text,
        ]


class RefuseControlCharactersMiddleware:
    """The API's guard: a JSON or multipart body with a forbidden character in any text
    value is refused (422, naming the field) before any operation runs. Pages are guarded
    by their forms (`install_form_validator`), which show the message on the field."""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: Any) -> Any:
        if request.path_info.startswith("/api/") and request.method in ("POST", "PUT", "PATCH"):
            hit = _body_problem(request)
            if hit is not None:
                from django.http import JsonResponse

                field, found = hit
                body = {"code": "invalid", "message": forbidden_message(found), "field": field}
                return JsonResponse(body, status=422, json_dumps_params={"ensure_ascii": False})
        return self.get_response(request)


def _body_problem(request: Any) -> tuple[str, str] | None:
    """JSON and url-encoded bodies are read from `request.body` (kept by Django for whoever
    reads them next); multipart bodies are left to the operation's own schema, because
    reading their stream here would hold every upload in memory."""
    import json

    from django.http import QueryDict

    content_type = request.META.get("CONTENT_TYPE", "")
    if content_type.startswith("application/json"):
        try:
            data = json.loads(request.body or b"null")
        except (ValueError, UnicodeDecodeError):
            return None  # the API answers malformed JSON itself
        if request.body:
            request._parsed_json = data  # for the API's parser (`take_parsed_json`)
        return first_forbidden_in(data)
    if content_type.startswith("application/x-www-form-urlencoded"):
        form = QueryDict(request.body, encoding=request.encoding)
        return first_forbidden_in({key: "".join(form.getlist(key)) for key in form})
    return None


NOT_PARSED = object()


def take_parsed_json(request: Any) -> Any:
    """The request's JSON body as this middleware parsed it (`json.loads(request.body)`),
    once, so the API does not parse it a second time; `NOT_PARSED` when it did not."""
    return request.__dict__.pop("_parsed_json", NOT_PARSED)
