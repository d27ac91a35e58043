"""The one step page (core.workflow_pages) on the tiny test workflow of test_workflow: a form
opened on the record's values, 元 typed on the form and 分 handed to the step, a step whose
form posts no fields, and the same step taken from a button on the record's page."""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.http import HttpResponse
from django.test import RequestFactory

from nuanjia.core.errors import RuleViolation
from nuanjia.core.workflow_pages import StepPage, run_step_button, run_step_page
from nuanjia.orgs.models import Org
from nuanjia.orgs.rules import Role

from .test_workflow import CHECK, _flow


@dataclass
class Record:
    """What a step page needs of a record: its status, its union, its own figures."""

    status: str
    org: Org
    pk: int = 1
    amount_fen: int = 0


class AmountForm(forms.Form):
    amount = forms.DecimalField(label="Amount", decimal_places=2, required=False)
    note = forms.CharField(label="Note", required=False)


@pytest.fixture
def template(settings):
    text = (
        "{{ form.amount }}|amount: {{ form.amount.errors.as_text }}|else: {{ form.errors.as_text }}"
    )
    loader = ("django.template.loaders.locmem.Loader", {"step.html": text})
    settings.TEMPLATES = [
        {
            "BACKEND": "django.template.backends.django.DjangoTemplates",
            "OPTIONS": {"loaders": [loader]},
        }
    ]
    return "step.html"


@pytest.fixture
def taken() -> list[dict[str, Any]]:
    return []


@pytest.fixture
def flow(taken):
    """The test workflow whose check step records the fields it was given (and refuses an
    amount over 10000 元 naming its 分 field, as a service would)."""
    flow = _flow(CHECK)

    @flow.handler("check")
    def check(record, *, by, **fields):
        if (fields.get("amount_fen") or 0) > 1_000_000:
            raise RuleViolation("At most 10000 yuan.", field="amount_fen")
        taken.append(fields)
        record.status = "checked"
        return record

    return flow


@pytest.fixture
def record(tree):
    return Record(status="draft", org=Org.objects.get(code="410108"))


def _request(user, data: dict[str, str] | None = None):
    factory = RequestFactory()
    request = factory.post("/step/", data or {}) if data is not None else factory.get("/step/")
    request.user = user
    request._messages = CookieStorage(request)  # type: ignore[attr-defined]
    return request


def _run(request, page: StepPage, record: Record, template: str) -> HttpResponse:
    return run_step_page(
        request,
        page,
        record,
        template=template,
        context={},
        done=lambda result: HttpResponse(f"done {result.status}"),
    )


def _amount_page(flow) -> StepPage:
    return StepPage(
        flow,
        "check",
        AmountForm,
        initial=lambda record: {"amount": Decimal(record.amount_fen) / 100},
        yuan={"amount": "amount_fen"},
    )


def test_the_form_opens_on_the_records_own_values(flow, record, make_staff, template):
    record.amount_fen = 123_450
    caseworker = make_staff("410108", Role.CASEWORKER)
    page = _run(_request(caseworker), _amount_page(flow), record, template).content.decode()
    assert 'value="1234.5"' in page


def test_yuan_typed_on_the_form_reaches_the_step_as_fen(flow, record, make_staff, template, taken):
    caseworker = make_staff("410108", Role.CASEWORKER)
    request = _request(caseworker, {"amount": "1234.56", "note": "ok"})
    response = _run(request, _amount_page(flow), record, template)
    assert response.content == b"done checked"
    assert taken == [{"amount_fen": 123_456, "note": "ok"}]


def test_a_refusal_naming_the_fen_field_lands_on_the_yuan_field(
    flow, record, make_staff, template, taken
):
    caseworker = make_staff("410108", Role.CASEWORKER)
    request = _request(caseworker, {"amount": "20000", "note": ""})
    response = _run(request, _amount_page(flow), record, template)
    assert "|amount: * At most 10000 yuan.|" in response.content.decode()
    assert taken == [] and record.status == "draft"


def test_a_form_without_fields_takes_the_step_when_posted_empty(
    flow, record, make_staff, template, taken
):
    caseworker = make_staff("410108", Role.CASEWORKER)
    confirm = StepPage(flow, "check", forms.Form)
    response = _run(_request(caseworker, {}), confirm, record, template)
    assert response.content == b"done checked"
    assert taken == [{}]


def test_a_button_step_goes_back_with_the_refusal_naming_its_field(flow, record, make_staff, taken):
    caseworker = make_staff("410108", Role.CASEWORKER)
    request = _request(caseworker, {"amount": "20000"})
    response = run_step_button(
        request, _amount_page(flow), record, back=lambda: HttpResponse("back")
    )
    assert response.content == b"back"
    assert [str(message) for message in get_messages(request)] == ["Amount: At most 10000 yuan."]
    assert taken == [] and record.status == "draft"


def test_a_button_step_without_fields_is_taken_and_said(flow, record, make_staff, taken):
    caseworker = make_staff("410108", Role.CASEWORKER)
    request = _request(caseworker, {})
    page = StepPage(flow, "check", forms.Form)
    run_step_button(request, page, record, back=lambda: HttpResponse("back"))
    assert taken == [{}] and record.status == "checked"
    assert len(list(get_messages(request))) == 1
