"""Rows the demo does not (yet) have for some measures, written straight to their tables as
the reports' factories do (the measures read rows whatever wrote them): a demo row moved on to
the state the measure counts, or a row made beside the demo's. Used by the property test over
every measure; each seed returns once its measure has a row to count."""

from __future__ import annotations

import datetime
from collections.abc import Callable

from nuanjia.core import clock
from nuanjia.enterprises.models import FirmProfile
from nuanjia.enterprises.models_fees import FeeCollection, Rebate, RebateBatch
from nuanjia.enterprises.rules import RebateBatchStatus, RebateStatus
from nuanjia.funds.models import Earmark
from nuanjia.hotline.models import FastTrack, Ticket
from nuanjia.members.models import Join, Member
from nuanjia.modelworkers.models import HelpPayment
from nuanjia.modelworkers.rules import PaymentStatus
from nuanjia.orgs.models import Org
from nuanjia.people.models import OccupationTag, Worker
from nuanjia.pioneers.models import Title
from nuanjia.pioneers.rules import AwardLevel
from nuanjia.relief.models import Grant
from nuanjia.relief.rules import Status
from nuanjia.skills.models import Settlement
from nuanjia.skills.rules import SettlementStatus

from .factories import paid_grant


def _ago(days: int) -> datetime.date:
    return clock.today() - datetime.timedelta(days=days)


def _fast_track() -> None:
    ticket = Ticket.objects.filter(worker__isnull=False).first() or Ticket.objects.first()
    assert ticket is not None
    worker = ticket.worker or Worker.objects.filter(org=ticket.org).first()
    assert worker is not None
    for n, days in enumerate((3, 1)):  # two, a day and three days from the call
        grant = paid_grant(worker, ticket.org, _ago(days), 250_000)
        FastTrack.objects.create(
            ticket=ticket, grant=grant, org=ticket.org, worker=worker, cause="欠薪致生活困难",
            cause_key=f"seed-{n}", year=grant.paid_on.year, amount_fen=250_000,
            paid_on=grant.paid_on, days_to_payment=days,
        )  # fmt: skip


def _visit_cash() -> None:
    from nuanjia.campaigns.models import Visit

    visit = Visit.objects.filter(grant__isnull=False).first()
    assert visit is not None and visit.grant_id is not None
    Grant.objects.filter(pk=visit.grant_id).update(status=Status.PAID, paid_on=_ago(2))


def _trip() -> None:
    from nuanjia.campaigns.partner_models import Nomination, Trip
    from nuanjia.campaigns.rules import NominationStatus

    nomination = Nomination.objects.first()
    assert nomination is not None
    Trip.objects.filter(pk=nomination.trip_id).update(starts_on=_ago(9), ends_on=_ago(5))
    Nomination.objects.filter(pk=nomination.pk).update(status=NominationStatus.ATTENDED)


def _skills_paid() -> None:
    Settlement.objects.update(status=SettlementStatus.PAID, paid_on=_ago(2))


def _titles() -> None:
    now = clock.now()
    Title.objects.update(
        level=AwardLevel.CITY, awarded_at=now - datetime.timedelta(days=20),
        revoked_at=now - datetime.timedelta(days=3),
    )  # fmt: skip


def _help_paid() -> None:
    HelpPayment.objects.update(status=PaymentStatus.PAID, paid_on=_ago(2))


def _rebate() -> None:
    firm = FirmProfile.objects.select_related("org").first()
    assert firm is not None
    start = _ago(40).replace(day=1)
    collection = FeeCollection.objects.create(
        firm=firm, org=firm.org, period_start=start, period_end=start + datetime.timedelta(27),
        payroll_fen=10_000_000, fee_fen=200_000, paid_on=_ago(20),
    )  # fmt: skip
    batch = RebateBatch.objects.create(
        org=firm.org, period_from=start, period_to=start, status=RebateBatchStatus.APPROVED
    )
    Rebate.objects.create(
        batch=batch, collection=collection, firm=firm, org=firm.org,
        earmark=Earmark.objects.get(code="hardship"), period_start=start, size_class="micro",
        fee_fen=200_000, amount_fen=80_000, status=RebateStatus.PAID,
    )  # fmt: skip


def _join() -> None:
    county = Org.objects.get(code="410108")
    worker = Worker.objects.filter(org__path__startswith=county.path).order_by("pk").first()
    assert worker is not None
    member = Member(worker=worker, consent_version="test", consent_at=clock.now())
    member.phone = "13700000988"
    member.save()
    Join.objects.create(
        member=member, worker=worker, org=worker.org, county=county,
        occupation=OccupationTag.objects.get_or_create(name="快递员")[0], employer_name="某平台",
        region_code=county.code, status=Join.Status.ACCEPTED,
        decided_at=clock.now() - datetime.timedelta(days=4),
    )  # fmt: skip


# measure code → what gives it rows the demo lacks
SEEDS: dict[str, Callable[[], None]] = {
    "hotline.fast_track_days": _fast_track,
    "hotline.fast_track_paid": _fast_track,
    "campaigns.cash_paid": _visit_cash,
    "campaigns.trips": _trip,
    "skills.subsidy_paid": _skills_paid,
    "pioneers.titles_awarded": _titles,
    "pioneers.titles_revoked": _titles,
    "modelworkers.help_paid": _help_paid,
    "modelworkers.help_persons": _help_paid,
    "enterprises.rebates_paid": _rebate,
    "members.joins": _join,
}
