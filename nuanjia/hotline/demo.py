"""Demo tickets for 惠济区 and 开封, built through the services as agents and caseworkers would.

Idempotent: tickets are recognised by their description, so a second run adds nothing.
The lead wires `load_demo_tickets()` into nuanjia/demo.py after the demo staff and families.

The full demo (`load_demo_fast_track`, before the tickets) tells the seed's 惠济区 case: the
restaurant worker 黄晓东 calls 12351 on a working day (the call backdated with core.clock),
the caseworker opens 先行救助 of 2500元 the same day, the approver approves it, and finance
pays it in a batch on the next working day: one working day from call to payment.
"""

from __future__ import annotations

import datetime
import io

from nuanjia.core import clock
from nuanjia.core.imports import SheetSource
from nuanjia.core.sealed_phones import phone_lookup
from nuanjia.core.workdays import is_workday
from nuanjia.orgs.models import Org, Staff
from nuanjia.people.models import Worker

from . import services
from .models import AnswerTemplate, FastTrack, Ticket
from .rules import Channel, Kind, Satisfaction, TicketClass

TEMPLATES = [
    ("410000", Kind.MEMBERSHIP, "如何入会", "可通过“河南工会”小程序在线申请入会，没有单位工会的新就业形态劳动者可加入所在地的集中入会池。"),
    ("410000", Kind.COMPLAINT, "欠薪投诉", "请保留劳动合同、工资条、考勤记录等证据；工会将协调用人单位，必要时联系劳动监察部门并提供法律援助。"),
    ("410100", Kind.HELP, "临时困难救助", "郑州市总工会对因病、因灾、因欠薪等导致临时困难的职工实行“一事一议、先行救助”。"),
]  # fmt: skip

HUANG = "餐厅拖欠我和5名同事3个月工资，家里已经交不起房租，急需帮助。"
CONSULT = "想咨询外卖骑手能不能加入工会，怎么加入？"
WEB = "单位不给缴纳社保，想问问工会能不能帮忙。"
COMPLAINT = "工地项目部拖欠农民工工资两个月。"
KAIFENG = "环卫工人冬季早班，询问爱心驿站能否提供热水和早餐。"


def _staff(username: str) -> Staff | None:
    return Staff.objects.filter(username=username, is_active=True).first()


def _exists(description: str) -> bool:
    return Ticket.objects.filter(description=description).exists()


def _open_huang(agent: Staff, caseworker: Staff) -> Ticket:
    """黄晓东's call about three months' unpaid wages, taken and started by the caseworker."""
    worker = Worker.objects.filter(phone_lookup("phone", "13838100010"), name="黄晓东").first()
    ticket = services.open_ticket(
        by=agent, phone="13838100010", caller_name="黄晓东", region_code="410108",
        employer_name=worker.employer.name if worker and worker.employer else "",
        kind=Kind.HELP, ticket_class=TicketClass.DIFFICULT, is_urgent=True,
        description=HUANG, worker=worker, dispatch=True,
    )  # fmt: skip
    services.accept_ticket(ticket, by=caseworker, note="已电话联系来电人，核实欠薪情况。")
    services.start_ticket(ticket, by=caseworker)
    return ticket


ADVANCE_FEN = 250_000  # 2500元


def call_and_payment_days(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The seed case's days: paid on the last working day before today, called on the
    working day before that."""
    paid = today - datetime.timedelta(days=1)
    while not is_workday(paid):
        paid -= datetime.timedelta(days=1)
    called = paid - datetime.timedelta(days=1)
    while not is_workday(called):
        called -= datetime.timedelta(days=1)
    return called, paid


def load_demo_fast_track() -> bool:
    """The full demo's 惠济区 case (see the module's text); False when already loaded or
    the demo staff are missing. Runs after the relief demo and before load_demo_tickets."""
    names = ("hj_hotline", "hj_caseworker", "hj_approver", "hj_finance")
    agent, caseworker, approver, finance = (_staff(name) for name in names)
    if not (agent and caseworker and approver and finance):
        return False
    if FastTrack.objects.filter(ticket__description=HUANG).exists():
        return False
    called, paid = call_and_payment_days(clock.today())
    with clock.as_of(called):
        ticket = Ticket.objects.filter(description=HUANG).first() or _open_huang(agent, caseworker)
        fast_track = services.open_fast_track(
            ticket, by=caseworker, amount_fen=ADVANCE_FEN, cause="餐厅拖欠工资3个月",
            reason="一事一议、先行救助，次日发放。",
        )  # fmt: skip
        _ensure_money(fast_track, finance)
        services.approve_fast_track(fast_track, by=approver)
    with clock.as_of(paid):
        _pay(fast_track, finance)
    return True


def _ensure_money(fast_track: FastTrack, finance: Staff) -> None:
    """惠济区's own money for the advance when its account holds too little."""
    from nuanjia.funds import services as funds

    grant = fast_track.grant
    account = funds.account_for(grant.org, grant.earmark)
    if account.available_fen < grant.amount_fen:
        funds.receive(
            grant.org, grant.earmark, grant.amount_fen - account.available_fen,
            source="本级经费", by=finance, memo="演示：惠济区先行救助本级配套",
        )  # fmt: skip


def _pay(fast_track: FastTrack, finance: Staff) -> None:
    """The advance in a batch of its own, sent to the bank and settled as paid."""
    from nuanjia.relief import services as relief

    grant = fast_track.grant
    batch = relief.build_batch(
        grant.org, grant.earmark, by=finance, grant_ids=[grant.pk], note="演示：先行救助次日发放"
    )
    relief.export_bank_file(batch, io.BytesIO(), by=finance, reason="演示：发送银行代发")
    lines = batch.lines.values_list("reference", flat=True)
    text = "参考号,结果,原因\n" + "".join(f"{reference},成功,\n" for reference in lines)
    relief.import_bank_results(
        batch, SheetSource(io.BytesIO(text.encode("utf-8")), name="回盘.csv"), by=finance
    )


def load_demo_tickets() -> int:
    """Load the demo tickets and answer templates; return how many tickets were added."""
    for code, kind, title, text in TEMPLATES:
        org = Org.objects.filter(code=code).first()
        if org is not None:
            AnswerTemplate.objects.get_or_create(
                org=org, title=title, defaults={"kind": kind, "text": text}
            )
    agent, caseworker = _staff("hj_hotline"), _staff("hj_caseworker")
    city_agent, kf_caseworker = _staff("zz_hotline"), _staff("kf_caseworker")
    added = 0
    if agent and caseworker:
        if not _exists(HUANG):
            _open_huang(agent, caseworker)
            added += 1
        if not _exists(CONSULT):
            ticket = services.open_ticket(
                by=agent, phone="13838100021", caller_name="刘师傅", region_code="410108",
                kind=Kind.MEMBERSHIP, description=CONSULT,
            )  # fmt: skip
            services.answer_ticket(
                ticket, by=agent, answer="已告知通过小程序申请入会，可加入所在地集中入会池。"
            )
            services.record_callback(ticket, by=agent, satisfaction=Satisfaction.SATISFIED)
            services.close_ticket(ticket, by=agent)
            added += 1
        if not _exists(WEB):
            services.submit_request(
                caller_name="陈女士", phone="13838100022", region_code="410108",
                kind=Kind.LEGAL, description=WEB, channel=Channel.WEB,
            )  # fmt: skip
            added += 1
        if not _exists(COMPLAINT):
            complaint = services.open_ticket(
                by=city_agent or agent, phone="13838100023", caller_name="赵师傅",
                region_code="410108", kind=Kind.COMPLAINT, description=COMPLAINT, dispatch=True,
            ) if city_agent else None  # fmt: skip
            added += complaint is not None
    if kf_caseworker and not _exists(KAIFENG):
        ticket = services.open_ticket(
            by=kf_caseworker, channel=Channel.VISIT, phone="13838100024", caller_name="孙师傅",
            region_code="410204", kind=Kind.CONSULT, description=KAIFENG,
        )  # fmt: skip
        services.answer_ticket(
            ticket, by=kf_caseworker, answer="鼓楼区各爱心驿站均提供热水，部分站点提供免费早餐。"
        )
        added += 1
    return added
