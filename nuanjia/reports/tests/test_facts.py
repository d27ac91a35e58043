"""Keeping the facts: every registered measure computes and lists its rows on this database,
a change reaches the facts at the next refresh, the nightly check finds and repairs a
difference, rebuilds and refreshes are audited, and the CLI runs them."""

from __future__ import annotations

import dataclasses
import datetime

import pytest
from django.db.models import Sum

from nuanjia.cli import main
from nuanjia.core import measures, schedule
from nuanjia.core.models import AuditEvent
from nuanjia.orgs.models import Org
from nuanjia.reports import queries, services
from nuanjia.reports.jobs import CHECK_JOB, REFRESH_JOB
from nuanjia.reports.models import CheckRun, Fact

from .factories import allocation, paid_grant, workers

pytestmark = pytest.mark.django_db
DAY = datetime.date(2026, 3, 1)
EXPECTED = {
    "hardship.files", "relief.grants_paid", "relief.persons_helped", "funds.allocated",
    "funds.reserved", "funds.paid", "hotline.received", "hotline.closed", "stations.visits",
    "mutualaid.claims_paid", "mutualaid.members_paid", "produce.orders_paid", "produce.grams_paid",
    "benefits.uses", "benefits.subsidy",
}  # fmt: skip


def test_the_apps_register_their_measures():
    assert {measure.code for measure in measures.registered()} >= EXPECTED


def test_every_measure_computes_and_lists_its_rows(tree):
    first, last = datetime.date(2026, 1, 1), DAY
    for measure in measures.registered():
        assert list(measure.compute(first, last)) is not None, measure.code
        rows = measure.rows("/410000/", False, first, last)
        assert rows.aggregate(total=Sum("fact_value"))["total"] in (None, 0), measure.code
        for own in (True, False):
            with_dims = measure.rows("/410000/", own, first, last, "x", "y")
            assert list(with_dims) == [], measure.code


def _grants_paid(org: Org, first=DAY, last=DAY) -> queries.Figure:
    return queries.figure(org, "relief.grants_paid", first, last)


def test_a_change_reaches_the_facts_at_the_next_refresh(tree):
    huiji, zhengzhou = Org.objects.get(code="410108"), Org.objects.get(code="410100")
    (worker,) = workers(huiji, 1)
    paid_grant(worker, huiji, DAY, 50_000)
    services.rebuild(DAY, DAY)
    assert _grants_paid(zhengzhou) == queries.Figure(0, 50_000)
    paid_grant(worker, huiji, DAY, 20_000)
    allocation(zhengzhou, huiji, DAY, 1_000_000)
    assert _grants_paid(zhengzhou).total == 50_000  # not yet refreshed
    done = services.refresh()
    assert done["relief.grants_paid"] == [DAY.isoformat()]
    assert "funds.allocated" in done
    assert _grants_paid(zhengzhou) == queries.Figure(0, 70_000)
    allocated = queries.figure(zhengzhou, "funds.allocated", DAY, DAY)
    assert allocated == queries.Figure(1_000_000, 0)  # inside 郑州's subtree: nets out
    province = Org.objects.get(code="410000")
    assert queries.figure(province, "relief.persons_helped", DAY, DAY).total == 1
    assert AuditEvent.objects.filter(action="reports.refreshed").count() == 1


def test_a_refresh_with_nothing_changed_writes_and_records_nothing(tree):
    services.rebuild(DAY, DAY)
    assert services.refresh() == {}
    assert not AuditEvent.objects.filter(action="reports.refreshed").exists()


def test_the_nightly_check_records_and_repairs_a_difference(tree):
    huiji = Org.objects.get(code="410108")
    (worker,) = workers(huiji, 1)
    yesterday = datetime.date(2026, 3, 1)
    paid_grant(worker, huiji, yesterday, 30_000)
    services.rebuild(yesterday, yesterday)
    Fact.objects.filter(measure="relief.grants_paid").update(value=1)
    run = services.check_day()
    assert run.day == yesterday and run.differences == 1
    assert run.details[0]["stored"] == 1 and run.details[0]["computed"] == 30_000
    assert _grants_paid(huiji, yesterday, yesterday).total == 30_000
    assert services.check_day().differences == 0
    assert AuditEvent.objects.filter(action="reports.checked").count() == 2
    assert CheckRun.objects.count() == 2


def test_a_rebuild_is_audited_and_replaces_the_days(tree):
    huiji = Org.objects.get(code="410108")
    (worker,) = workers(huiji, 1)
    paid_grant(worker, huiji, DAY, 10_000)
    written = services.rebuild(DAY, DAY, codes=["relief.grants_paid"])
    assert written == {"relief.grants_paid": 1}
    assert services.rebuild(DAY, DAY, codes=["relief.grants_paid"]) == written  # idempotent
    event = AuditEvent.objects.filter(action="reports.rebuilt").latest("id")
    assert event.changes["facts"] == written


def test_the_cli_rebuilds_refreshes_and_checks(tree, capsys):
    huiji = Org.objects.get(code="410108")
    (worker,) = workers(huiji, 1)
    paid_grant(worker, huiji, datetime.date(2026, 2, 3), 10_000)
    assert main(["reports", "rebuild", "--measure", "relief.grants_paid"]) == 0
    out = capsys.readouterr().out
    assert "rebuilt 2026-02-03 to 2026-03-02" in out
    assert main(["reports", "rebuild", "--from", "2026-02-01", "--to", "2026-02-28"]) == 0
    assert main(["reports", "refresh"]) == 0
    assert main(["reports", "check", "--day", "2026-02-03"]) == 0
    assert "0 differences" in capsys.readouterr().out


def test_the_jobs_are_scheduled_every_minute_and_nightly():
    jobs = {job.name: job for job in schedule.jobs()}
    assert jobs[REFRESH_JOB].cadence == schedule.EVERY_MINUTE
    assert jobs[CHECK_JOB].cadence == schedule.DAILY
    at = datetime.datetime(2026, 3, 2, 10, 0, 30, tzinfo=datetime.UTC)
    started = [name for name, _period in schedule.enqueue_due(at)]
    assert REFRESH_JOB in started
    assert REFRESH_JOB not in [name for name, _ in schedule.enqueue_due(at)]  # same minute
    later = at + datetime.timedelta(minutes=1)
    assert REFRESH_JOB in [name for name, _ in schedule.enqueue_due(later)]


def test_the_demo_builds_the_facts(tree):
    from nuanjia.reports.demo import load_demo_facts

    huiji = Org.objects.get(code="410108")
    (worker,) = workers(huiji, 1)
    paid_grant(worker, huiji, datetime.date(2026, 1, 5), 12_300)
    assert load_demo_facts()["relief.grants_paid"] == 1
    province = Org.objects.get(code="410000")
    first, last = datetime.date(2026, 1, 1), datetime.date(2026, 1, 31)
    assert queries.figure(province, "relief.grants_paid", first, last).total == 12_300


def test_a_failing_measure_is_tried_again_and_holds_no_other_back(tree):
    huiji = Org.objects.get(code="410108")
    (worker,) = workers(huiji, 1)
    services.rebuild(DAY, DAY)
    grants = measures.get("relief.grants_paid")
    calls = {"n": 0}

    def broken(first, last):
        calls["n"] += 1
        raise RuntimeError("a bug in a measure")

    measures.register(dataclasses.replace(grants, compute=broken))
    try:
        paid_grant(worker, huiji, DAY, 40_000)
        done = services.refresh()
        assert "relief.grants_paid" not in done and "relief.persons_helped" in done
        assert calls["n"] == 1
    finally:
        measures.register(grants)
    assert services.refresh()["relief.grants_paid"] == [DAY.isoformat()]  # tried again
    assert _grants_paid(huiji).total == 40_000
