"""The 惠济区 story end to end: a worker unpaid for three months calls 12351; the ticket is
routed to the 惠济区 union; a caseworker opens an advance relief (一事一议、先行救助) that one
approver approves; finance pays it in a batch the next working day; the ticket shows the time
from call to payment (≤ 1 working day); the call-back is 满意 and the ticket is closed."""

import datetime
import io
import zoneinfo

import pytest
import time_machine

from nuanjia.core.crypto import encrypt
from nuanjia.core.errors import RuleViolation
from nuanjia.hotline import services
from nuanjia.hotline.models import FastTrack
from nuanjia.hotline.rules import Kind, Satisfaction, Status
from nuanjia.orgs.models import Org
from nuanjia.people.models import Worker
from nuanjia.relief import services as relief

pytestmark = pytest.mark.django_db
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
YUAN = 100


def at(*parts):
    return datetime.datetime(*parts, tzinfo=SHANGHAI)


@pytest.fixture
def restaurant_worker(tree):
    account = "6222021234567890123"
    return Worker.objects.create(
        org=Org.objects.get(code="410108"), name="黄晓东", name_pinyin="huangxiaodong",
        region_code="410108", phone="13838100010", id_number_index="hotline-story-1",
        id_number_masked="4101**********123X", bank_name="中国工商银行",
        bank_account_encrypted=encrypt(account), bank_account_masked="6222****0123",
    )  # fmt: skip


@pytest.mark.parametrize("approval", ["one approver", "relief's two-step approval"])
def test_the_huiji_story(
    approval, money, restaurant_worker, hotline_agent, caseworker, reviewer, approver, finance,
    leader,
):  # fmt: skip
    # Monday 2 March 2026, 15:00: the call.
    with time_machine.travel(at(2026, 3, 2, 15, 0), tick=False):
        ticket = services.open_ticket(
            by=hotline_agent, phone="13838100010", region_code="410108", kind=Kind.HELP,
            is_urgent=True, worker=restaurant_worker, dispatch=True,
            description="餐厅拖欠我和5名同事3个月工资，急需帮助。",
        )  # fmt: skip
        assert ticket.org.code == "410108" and ticket.status == Status.DISPATCHED
        services.accept_ticket(ticket, by=caseworker, note="已核实：欠薪属实")
        fast_track = services.open_fast_track(
            ticket, by=caseworker, amount_fen=2_500 * YUAN, cause="欠薪致生活困难",
            reason="一事一议、先行救助",
        )  # fmt: skip
        # The same cause again this year is refused.
        with pytest.raises(RuleViolation) as refused:
            services.open_fast_track(
                ticket, by=caseworker, amount_fen=100 * YUAN, cause="欠薪致生活困难"
            )
        assert refused.value.field == "cause"
        grant = fast_track.grant
        if approval == "one approver":
            # One approver at county level, not the proposer: the simplified approval.
            services.approve_fast_track(fast_track, by=approver)
            grant.refresh_from_db()
            assert grant.reviewed_by is None
        else:
            # The usual path still works for an advance grant: a reviewer, then an approver.
            relief.review_grant(grant, by=reviewer)
            relief.approve_grant(grant, by=approver)
            grant.refresh_from_db()
        assert grant.status == "approved" and grant.approved_by == approver

    # Tuesday 3 March: finance pays it in a batch.
    with time_machine.travel(at(2026, 3, 3, 10, 0), tick=False):
        batch = relief.build_batch(grant.org, money, by=finance, grant_ids=[grant.pk])
        relief.export_bank_file(batch, io.BytesIO(), by=finance, reason="先行救助发放")
        relief.confirm_payment(grant, by=finance)
        fast_track.refresh_from_db()
        assert fast_track.working_days_to_payment == 1  # recorded in the paying transaction
    fast_track = FastTrack.objects.get(pk=fast_track.pk)
    assert fast_track.paid_on == datetime.date(2026, 3, 3)
    assert fast_track.days_to_payment == 1  # the next working day
    assert fast_track.paperwork_due_on == datetime.date(2026, 3, 17)  # 10 working days later

    with time_machine.travel(at(2026, 3, 3, 11, 0), tick=False):
        services.answer_ticket(
            ticket, by=caseworker, answer="已先行发放临时救助2500元，并协调企业补发工资。"
        )
        services.record_callback(ticket, by=hotline_agent, satisfaction=Satisfaction.SATISFIED)
        ticket = services.close_ticket(ticket, by=hotline_agent)
        services.complete_fast_track_paperwork(fast_track, by=caseworker)
    assert ticket.status == Status.CLOSED and not ticket.is_late
    actions = list(ticket.events.values_list("action", flat=True))
    assert actions.index("fast_track_paid") < actions.index("closed")

    from nuanjia.hotline.queries import kpis

    figures = kpis(leader, datetime.date(2026, 3, 1), datetime.date(2026, 3, 31))
    assert figures["fast_track_count"] == 1 and figures["fast_track_average_days"] == 1
    assert figures["satisfaction_rate"] == 100.0 and figures["on_time_rate"] == 100.0
