"""One audit chain per city-level union, sealed in a root chain.

Transactional tests: which chain an event joins depends on the transaction it is written in,
so each test commits as the application does.
"""

import hashlib
import json
import threading
import time
from datetime import UTC

import pytest
from django.db import connection, connections, transaction

from nuanjia.cli import main as nuanjia_main
from nuanjia.core.audit import (
    BASE_CHAIN,
    append_event_and,
    chain_of,
    check_trail,
    event_digest,
    prepare_event,
    record_event,
    seal_heads,
    verify_chain,
)
from nuanjia.core.models import AuditChain, AuditEvent, AuditRootEntry
from nuanjia.orgs.models import Org

pytestmark = pytest.mark.django_db(transaction=True)

ZHENGZHOU, KAIFENG = "/410000/410100/", "/410000/410200/"


def _execute(sql: str, params: list) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _org(code: str) -> Org:
    return Org.objects.get(code=code)


def _city_orgs(tree) -> tuple[Org, Org]:
    """A county union of 郑州 and the 开封 city union."""
    return _org("410108"), _org("410200")


def test_the_chain_is_the_city_level_union_of_the_event(tree):
    county, kaifeng = _city_orgs(tree)
    assert chain_of(county.path) == ZHENGZHOU
    assert chain_of(kaifeng.path) == KAIFENG
    assert chain_of(_org("410000").path) == "/410000/"
    assert chain_of("") == BASE_CHAIN


def test_events_of_two_cities_are_numbered_in_two_chains(tree):
    county, kaifeng = _city_orgs(tree)
    first = [record_event(county, "test.event", label=f"z{n}") for n in range(3)]
    other = [record_event(kaifeng, "test.event", label=f"k{n}") for n in range(2)]
    orphan = record_event(None, "test.event")
    assert [(e.chain, e.seq) for e in first] == [(ZHENGZHOU, n) for n in (1, 2, 3)]
    assert [(e.chain, e.seq) for e in other] == [(KAIFENG, 1), (KAIFENG, 2)]
    assert orphan.chain == BASE_CHAIN
    assert first[1].prev_hash == first[0].hash and other[0].prev_hash == "0" * 64
    assert AuditChain.objects.get(key=ZHENGZHOU).last_hash == first[-1].hash
    assert check_trail() is None


def test_a_transaction_writes_all_its_events_into_its_first_chain(tree):
    county, kaifeng = _city_orgs(tree)
    with transaction.atomic():
        here = record_event(county, "test.event")
        there = record_event(kaifeng, "test.event")
    assert here.chain == there.chain == ZHENGZHOU and there.seq == here.seq + 1
    assert verify_chain() is None


def test_a_rolled_back_savepoint_gives_up_its_chain(tree):
    county, kaifeng = _city_orgs(tree)
    with transaction.atomic():
        try:
            with transaction.atomic():
                record_event(county, "test.event")
                raise RuntimeError("undo")
        except RuntimeError:
            pass
        after = record_event(kaifeng, "test.event")
    assert (after.chain, after.seq) == (KAIFENG, 1)
    assert not AuditEvent.objects.filter(chain=ZHENGZHOU).exists()
    assert verify_chain() is None


def test_events_of_the_base_chain_hash_as_before_chains_were_split(tree):
    """The events written before the split verify unchanged: their digest is the old one,
    over the number (their id then) without the chain's name."""
    event = record_event(None, "test.event", label="old style")
    old_payload = [
        event.seq,
        event.at.astimezone(UTC).isoformat(timespec="microseconds"),
        event.actor_id, event.actor_label, event.org_id, event.org_path, event.action,
        event.object_type, event.object_id, event.object_label, event.changes, event.ip,
        True, event.prev_hash,
    ]  # fmt: skip
    canonical = json.dumps(old_payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    assert event.hash == hashlib.sha256(canonical.encode()).hexdigest() == event_digest(event)


def test_moving_an_event_to_another_chain_is_found(tree):
    county, kaifeng = _city_orgs(tree)
    record_event(kaifeng, "test.event")
    moved = record_event(county, "test.event")
    _execute(
        "UPDATE core_auditevent SET chain = %s, seq = 2, prev_hash = %s WHERE id = %s",
        [KAIFENG, AuditEvent.objects.get(chain=KAIFENG, seq=1).hash, moved.id],
    )
    broken = verify_chain()
    assert broken is not None and broken.event_id == moved.id


def test_a_deleted_tail_with_its_head_rolled_back_is_found_by_the_seal(tree):
    county, _kaifeng = _city_orgs(tree)
    events = [record_event(county, "test.event", label=str(n)) for n in range(4)]
    assert seal_heads("verify") is not None
    _execute("DELETE FROM core_auditevent WHERE id IN (%s, %s)", [events[2].id, events[3].id])
    _execute(
        'UPDATE core_auditchain SET last_seq = 2, last_hash = %s WHERE "key" = %s',
        [events[1].hash, ZHENGZHOU],
    )
    broken = verify_chain()  # the chain itself looks whole now; the seal does not agree
    assert broken is not None and (broken.chain, broken.seq) == (ZHENGZHOU, 4)
    broken = check_trail()  # sealing the shortened chain does not hide it
    assert broken is not None and "went back" in broken.reason


def test_a_chain_swapped_for_another_consistent_one_is_found_by_the_seal(tree):
    county, _kaifeng = _city_orgs(tree)
    [record_event(county, "test.event", label=str(n)) for n in range(3)]
    seal_heads("verify")
    # Rewrite the whole chain consistently: new content, hashes recomputed, head moved along.
    previous = "0" * 64
    for event in AuditEvent.objects.filter(chain=ZHENGZHOU).order_by("seq"):
        event.object_label, event.prev_hash = "forged", previous
        event.hash = previous = event_digest(event)
        _execute(
            "UPDATE core_auditevent SET object_label = %s, prev_hash = %s, hash = %s WHERE id = %s",
            [event.object_label, event.prev_hash, event.hash, event.id],
        )
    _execute('UPDATE core_auditchain SET last_hash = %s WHERE "key" = %s', [previous, ZHENGZHOU])
    broken = verify_chain()
    assert broken is not None and "no longer in the chain" in broken.reason


def test_an_edited_seal_is_found(tree):
    record_event(None, "test.event")
    seal = seal_heads("verify")
    assert seal is not None
    _execute("UPDATE core_auditrootentry SET reason = %s WHERE seq = %s", ["x", seal.seq])
    broken = verify_chain()
    assert broken is not None and broken.chain == AuditChain.ROOT


def test_the_scheduler_seals_only_when_a_head_moved(tree):
    county, _kaifeng = _city_orgs(tree)
    record_event(county, "test.event")
    first = seal_heads()
    assert first is not None and first.heads[ZHENGZHOU][0] == 1
    assert seal_heads() is None  # nothing moved
    record_event(county, "test.event")
    assert seal_heads(min_interval=3600) is None  # moved, but sealed a moment ago
    later = seal_heads()
    assert later is not None and later.prev_hash == first.hash
    assert AuditRootEntry.objects.count() == 2


def test_audit_verify_names_the_chains(tree, capsys):
    county, kaifeng = _city_orgs(tree)
    record_event(county, "test.event")
    record_event(kaifeng, "test.event")
    assert nuanjia_main(["audit", "verify"]) == 0
    assert "every chain intact" in capsys.readouterr().out
    assert AuditRootEntry.objects.filter(reason="verify").count() == 1


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_writers_in_different_cities_do_not_wait_for_each_other(tree):
    """A transaction holding 郑州's chain open blocks the next 郑州 event, not 开封's."""
    county, kaifeng = _city_orgs(tree)
    holding, release = threading.Event(), threading.Event()

    def hold_zhengzhou() -> None:
        try:
            with transaction.atomic():
                record_event(county, "test.event", label="held")
                holding.set()
                release.wait(10)
        finally:
            connections.close_all()

    def timed(org: Org) -> float:
        with transaction.atomic():
            _execute("SET LOCAL lock_timeout = '2s'", [])
            started = time.monotonic()
            record_event(org, "test.event")
            return time.monotonic() - started

    holder = threading.Thread(target=hold_zhengzhou)
    holder.start()
    try:
        assert holding.wait(10)
        assert timed(kaifeng) < 1.0
        with pytest.raises(Exception, match="lock timeout"):
            timed(county)
    finally:
        release.set()
        holder.join()
    assert verify_chain() is None


def _rename_sql(name: str, code: str) -> tuple[str, list]:
    table = connection.ops.quote_name(Org._meta.db_table)
    return f"UPDATE {table} SET name = %s WHERE code = %s RETURNING id", [name, code]


def test_an_event_appended_with_a_statement_of_the_caller_runs_both(tree):
    """`append_event_and` (a fast path's last UPDATE in the event's own statement on
    PostgreSQL): the event is chained as `append_event` chains it, and the caller learns how
    many rows its statement returned (none when its guard held nothing)."""
    county, _kaifeng = _city_orgs(tree)
    with transaction.atomic():
        first = record_event(county, "test.event", label="before")
        event, rows = append_event_and(
            prepare_event(county, "test.event", label="with"),
            [_rename_sql("惠济区工会", county.code), _rename_sql("无", "999999")],
        )
        _, none = append_event_and(prepare_event(county, "test.event", label="none"), [])
    assert (rows, none) == ([1, 0], [])
    assert _org(county.code).name == "惠济区工会"
    assert (event.chain, event.seq, event.prev_hash) == (ZHENGZHOU, first.seq + 1, first.hash)
    assert AuditEvent.objects.get(pk=event.pk).hash == event_digest(event)
    assert check_trail() is None
