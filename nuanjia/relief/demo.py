"""Demo grants for the 惠济区 demo families (nuanjia.demo_people), in several states, and one
payment batch sent to the bank and settled — all through the relief services, by the demo
staff who would take each step (maker-checker needs different people).

Idempotent: a grant already made (same worker, type and reason) is not made again, and the
batch is built only from grants the demo itself approved. Runs after the funds demo; should
惠济区 hold too little 困难职工帮扶资金 or 送温暖资金 for the grants, it receives the
difference as 本级经费 first (so the demo never fails on an empty account).

The full demo (`full=True`) leaves out 黄晓东's advance relief: the hotline demo pays it as
先行救助 from his 12351 call (hotline.demo.load_demo_fast_track), the next working day.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from nuanjia.core.errors import RuleViolation
from nuanjia.core.imports import SheetSource
from nuanjia.funds import services as funds
from nuanjia.funds.models import Earmark
from nuanjia.orgs.models import Org, Staff
from nuanjia.people.models import Worker

from . import services
from .models import Grant, GrantType
from .rules import Status

YUAN = 100


@dataclass(frozen=True)
class DemoGrant:
    worker: str  # the demo family's worker (demo_people.FAMILIES)
    grant_type: str  # GrantType code
    amount_yuan: int
    reason: str
    to: str  # the status the demo leaves it in (paid ones go through the batch)
    school_stage: str = ""


GRANTS = [
    DemoGrant("黄晓东", "advance", 2_500, "餐厅拖欠工资3个月，拨打12351求助；一事一议、先行救助，次日发放。", Status.PAID),
    DemoGrant("刘明", "living", 5_000, "本人工伤后收入低，妻子癌症术后，冬季生活救助。", Status.PAID),
    DemoGrant("陈红", "warmth", 2_000, "元旦春节送温暖慰问。", Status.APPROVED),
    DemoGrant("陈红", "medical", 3_000, "孩子先天性心脏病复查自付部分。", Status.REVIEWED),
    DemoGrant("李秀英", "study", 5_000, "孩子考入大学，金秋助学。", Status.PROPOSED, "university"),
    DemoGrant("王建国", "temporary", 1_500, "妻子透析费用临时困难。", Status.PROPOSED),
    DemoGrant("赵德胜", "warmth", 3_000, "重复申报（已由社区慰问）。", Status.CANCELLED),
]  # fmt: skip


def _staff(username: str) -> Staff:
    return Staff.objects.get(username=username)


def _ensure_money(org: Org, earmark: Earmark, need_fen: int, finance: Staff) -> None:
    account = funds.account_for(org, earmark)
    if account.available_fen < need_fen:
        funds.receive(
            org,
            earmark,
            need_fen - account.available_fen,
            source="本级经费",
            by=finance,
            memo="演示：惠济区本级配套",
        )


def load_demo_grants(*, full: bool = False) -> int:
    """Make the demo grants and the paid batch; returns how many grants were new."""
    grants = [spec for spec in GRANTS if not (full and spec.grant_type == "advance")]
    caseworker, reviewer = _staff("hj_caseworker"), _staff("hj_reviewer")
    approver, finance = _staff("hj_approver"), _staff("hj_finance")
    huiji = Org.objects.get(code="410108")
    types = {grant_type.code: grant_type for grant_type in GrantType.objects.all()}
    needs: dict[int, int] = {}
    for spec in grants:
        if spec.to in (Status.APPROVED, Status.PAID):
            earmark = types[spec.grant_type].default_earmark
            assert earmark is not None  # every grant type the demo loads has its earmark
            needs[earmark.pk] = needs.get(earmark.pk, 0) + spec.amount_yuan * YUAN
    for earmark_id, need in needs.items():
        _ensure_money(huiji, Earmark.objects.get(pk=earmark_id), need, finance)

    added = 0
    to_pay: list[Grant] = []
    for spec in grants:
        worker = Worker.objects.filter(name=spec.worker, org__path__startswith=huiji.path).first()
        if worker is None:
            continue
        grant_type = types[spec.grant_type]
        if Grant.objects.filter(worker=worker, grant_type=grant_type, reason=spec.reason).exists():
            continue
        grant = services.propose_grant(
            worker,
            grant_type=grant_type,
            amount_fen=spec.amount_yuan * YUAN,
            reason=spec.reason,
            by=caseworker,
            school_stage=spec.school_stage,
        )
        added += 1
        if spec.to == Status.CANCELLED:
            services.cancel_grant(grant, by=caseworker, reason="经核实重复申报，撤销。")
            continue
        if spec.to == Status.PROPOSED:
            continue
        services.review_grant(grant, by=reviewer, note="材料齐全。")
        if spec.to == Status.REVIEWED:
            continue
        try:
            services.approve_grant(grant, by=approver, note="同意。")
        except RuleViolation:
            continue  # no money after all: it waits, reviewed, in the approver's queue
        if spec.to == Status.PAID:
            to_pay.append(grant)
    if to_pay:
        _pay(to_pay, huiji, finance)
    services.run_gradual_exit_payments()
    return added


def _pay(grants: list[Grant], org: Org, finance: Staff) -> None:
    """One batch per earmark of the grants to pay, sent to the bank and settled as paid."""
    earmarks = {grant.earmark_id for grant in grants}
    for earmark_id in sorted(earmarks):
        ids = [grant.pk for grant in grants if grant.earmark_id == earmark_id]
        batch = services.build_batch(
            org,
            Earmark.objects.get(pk=earmark_id),
            by=finance,
            grant_ids=ids,
            note="演示：冬季帮扶第一批",
        )
        services.export_bank_file(batch, io.BytesIO(), by=finance, reason="演示：发送银行代发")
        lines = batch.lines.values_list("reference", flat=True)
        text = "参考号,结果,原因\n" + "".join(f"{reference},成功,\n" for reference in lines)
        services.import_bank_results(
            batch, SheetSource(io.BytesIO(text.encode("utf-8")), name="回盘.csv"), by=finance
        )
