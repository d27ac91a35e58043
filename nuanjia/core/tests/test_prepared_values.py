"""A prepared INSERT sends the values `save()` would send, and `unsaved` builds the instance
`Model(**values)` builds: the fast paths (12351 intake, card confirm) write what the ordinary
path writes, whatever shortcut their preparation takes (issue 18, issue 21)."""

from __future__ import annotations

import datetime
import warnings

import pytest
from django.db import connection
from django.utils import timezone

from nuanjia.core.models import AuditEvent
from nuanjia.core.prepared import PreparedInsert, unsaved

pytestmark = pytest.mark.django_db


def _as_save_prepares(obj):
    """The parameters `save()` would send: each field's pre_save and database preparation."""
    insert = PreparedInsert(obj)
    return [
        field.get_db_prep_save(field.pre_save(obj, add=True), connection=connection)
        for field in insert.statement.fields
    ] + list(insert.statement.returning_params)


def _unwrapped(values):
    """psycopg's Jsonb wrapper compares by identity: compare what it wraps."""
    return [getattr(value, "obj", value) for value in values]


def _event(**values):
    at = datetime.datetime(2026, 12, 7, 1, 0, tzinfo=datetime.UTC)
    base = {"at": at, "action": "x.y", "prev_hash": "", "org_id": 7, "seq": 3}
    return AuditEvent(**(base | values))


@pytest.mark.parametrize(
    "values",
    [
        {},
        {"org_id": None, "success": False},
        {"org_id": True, "seq": 0},  # a bool in an integer field is written as 1
        {"at": datetime.datetime(2026, 12, 7, 9, 30)},  # naive: made aware, as save() does
        {"at": datetime.datetime(2026, 12, 7, 1, 30, tzinfo=datetime.UTC)},
        {"id": 10**12},  # the primary key set ahead
    ],
)
def test_prepared_parameters_are_those_save_sends(values):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # the naive time's warning
        expected = _as_save_prepares(_event(**values))
        sent = PreparedInsert(_event(**values)).params
    assert [type(value) for value in sent] == [type(value) for value in expected]
    assert _unwrapped(sent) == _unwrapped(expected)


def test_prepared_date_and_foreign_keys_are_those_save_sends():
    from nuanjia.benefits.models import Redemption

    redemption = Redemption(
        offer_id=1, partner_id=2, worker_id=3, org_id=4, outlet_id=None, recorded_by_id=5,
        member_price_fen=500, subsidy_fen=2500, day=datetime.date(2026, 12, 7),
        at=timezone.now(), source="scan",
    )  # fmt: skip
    expected = _as_save_prepares(redemption)
    sent = PreparedInsert(redemption).params
    assert [type(value) for value in sent] == [type(value) for value in expected]
    assert _unwrapped(sent) == _unwrapped(expected)


def test_unsaved_is_the_instance_the_model_builds():
    values = {"at": timezone.now(), "action": "x.y", "org_id": 5, "object_label": "甲"}
    built, fast = AuditEvent(**values), unsaved(AuditEvent, values)
    assert fast.__dict__.keys() == built.__dict__.keys()
    for field in AuditEvent._meta.concrete_fields:
        assert getattr(fast, field.attname) == getattr(built, field.attname), field.name
    assert fast._state.adding and fast._state.db is None
    assert fast.pk is None


def test_unsaved_gives_each_instance_its_own_default_dict():
    first, second = unsaved(AuditEvent, {"action": "a"}), unsaved(AuditEvent, {"action": "b"})
    first.changes["k"] = 1
    assert second.changes == {}
    assert unsaved(AuditEvent, {"changes": {"given": 1}}).changes == {"given": 1}
