"""The audit trail is append-only and any tampering is found."""

import pytest
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nuanjia.cli import main as nuanjia_main
from nuanjia.core.audit import record_event, verify_chain
from nuanjia.core.models import AuditChain, AuditEvent, AuditImmutable
from nuanjia.demo import load_demo
from nuanjia.orgs.models import Org


def _execute(sql: str, params: list) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.mark.django_db
def test_chain_verifies_after_the_demo_and_breaks_after_one_direct_edit(capsys):
    load_demo()
    assert nuanjia_main(["audit", "verify"]) == 0
    victim = AuditEvent.objects.order_by("id")[10]
    _execute("UPDATE core_auditevent SET actor_label = %s WHERE id = %s", ["mallory", victim.id])
    assert nuanjia_main(["audit", "verify"]) == 1
    assert f"#{victim.id}" in capsys.readouterr().err


@pytest.mark.django_db
def test_deleting_a_middle_event_is_found(tree):
    events = [record_event(None, "test.event", label=str(n)) for n in range(5)]
    _execute("DELETE FROM core_auditevent WHERE id = %s", [events[2].id])
    broken = verify_chain()
    assert broken is not None and (broken.chain, broken.seq) == (events[2].chain, events[2].seq)


@pytest.mark.django_db
def test_dropping_the_newest_event_is_found(tree):
    events = [record_event(None, "test.event", label=str(n)) for n in range(3)]
    _execute("DELETE FROM core_auditevent WHERE id = %s", [events[-1].id])
    assert verify_chain() is not None


@pytest.mark.django_db
def test_audit_rows_cannot_be_changed_or_deleted_through_the_app(tree):
    event = record_event(None, "test.event")
    event.action = "rewritten"
    with pytest.raises(AuditImmutable):
        event.save()
    with pytest.raises(AuditImmutable):
        event.delete()
    with pytest.raises(AuditImmutable):
        AuditEvent.objects.filter(pk=event.pk).update(action="rewritten")
    with pytest.raises(AuditImmutable):
        AuditEvent.objects.filter(pk=event.pk).delete()


@pytest.mark.django_db
def test_secret_fields_never_reach_the_trail(tree):
    event = record_event(
        None,
        "test.secret",
        changes={"password": "Hunter2!Hunter2", "bank_account": "6222", "name": "张三"},
    )
    assert event.changes == {"password": "***", "bank_account": "***", "name": "张三"}


@pytest.mark.django_db
def test_events_carry_actor_org_and_object(caseworker):
    org = Org.objects.get(code="410108")
    event = record_event(org, "org.touched", by=caseworker)
    assert (
        event.actor_id,
        event.actor_label,
        event.org_path,
        event.object_type,
        event.object_id,
    ) == (
        caseworker.pk,
        "hj_caseworker",
        org.path,
        "orgs.org",
        str(org.pk),
    )


@pytest.mark.django_db
@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(count=st.integers(min_value=1, max_value=12), data=st.data())
def test_any_single_edit_is_reported_at_the_edited_event(tree, count, data):
    events = [record_event(None, "test.event", label=f"e{n}") for n in range(count)]
    chain, start = events[0].chain, events[0].seq - 1
    assert verify_chain() is None
    victim = data.draw(st.sampled_from(events))
    column = data.draw(st.sampled_from(["action", "object_label", "actor_label"]))
    _execute(
        f"UPDATE core_auditevent SET {column} = %s WHERE id = %s", ["tampered", victim.id]
    )  # column from a fixed list
    broken = verify_chain()
    assert broken is not None and broken.event_id == victim.id
    assert (broken.chain, broken.seq) == (victim.chain, victim.seq)
    # Restore so the next example starts from an intact chain.
    _execute("DELETE FROM core_auditevent WHERE chain = %s AND seq > %s", [chain, start])
    before = AuditEvent.objects.filter(chain=chain, seq=start).values_list("hash", flat=True)
    _execute(
        'UPDATE core_auditchain SET last_seq = %s, last_hash = %s WHERE "key" = %s',
        [start, before[0] if start else "0" * 64, chain],
    )


@pytest.mark.django_db
def test_a_prepared_event_is_chained_when_appended_not_when_prepared():
    from nuanjia.core.audit import append_event, prepare_event

    early = prepare_event(None, "test.early")
    record_event(None, "test.between")
    event = append_event(early, object_label="late label")
    between = AuditEvent.objects.get(action="test.between")
    assert (event.chain, event.seq) == (between.chain, between.seq + 1)
    assert event.id > between.id and event.prev_hash == between.hash
    stored = AuditEvent.objects.get(id=event.id)
    assert stored.object_label == "late label" and stored.at >= between.at
    assert verify_chain() is None


@pytest.mark.django_db
def test_a_prepared_insert_refuses_an_expression():
    from django.db.models import Value

    from nuanjia.core.prepared import PreparedInsert

    with pytest.raises(ValueError, match="expression"):
        PreparedInsert(AuditChain(key="x", last_seq=Value(0)))
