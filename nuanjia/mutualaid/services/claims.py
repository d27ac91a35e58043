"""Claims entered one at a time (by a caseworker, or by the member on the phone pages): the
claim, its lines, its documents and the health-data consent are checked and kept, and the
automatic check runs in the same transaction: it proposes each line's amount with the reason
for every cut and reserves the total against the member's counters (plan year, episode) and
each invoice's remaining self-paid amount by conditional UPDATEs (services.counters)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from nuanjia.core import clock, crypto
from nuanjia.core.actors import Actor
from nuanjia.core.errors import RuleViolation
from nuanjia.core.masking import mask_bank_account
from nuanjia.core.text import one_line
from nuanjia.orgs.permissions import staff_of
from nuanjia.people.models import Worker

from .. import documents
from ..benefits import Limits, LineIn, LineOut, coverage_refusal, day_of_cover, parse_rules, propose
from ..models import (
    Claim,
    ClaimDocument,
    ClaimLine,
    Enrolment,
    Episode,
    InvoiceUse,
    Plan,
    YearCounter,
)
from ..rules import (
    FIXED_SUM_KINDS,
    REQUIRED_DOCS,
    ClaimStatus,
    Cut,
    DocKind,
    EnrolmentStatus,
    Via,
    in_review_sample,
    invoice_key,
)
from ..workflow import CLAIM_FLOW
from . import counters
from .common import city_code_of, require_role, version_on
from .enrolment import enrolment_on

MAX_LINES = 50
ATTEMPTS = 50


@dataclass
class LineData:
    asked_fen: int
    total_fen: int = 0
    insurance_fen: int = 0
    self_paid_fen: int = 0
    eligible_fen: int = 0
    invoice_code: str = ""
    invoice_number: str = ""
    check_code: str = ""


@dataclass
class ClaimData:
    illness: str
    hospital: str
    service_on: datetime.date
    episode: str = ""
    diagnosis: str = ""
    discharged_on: datetime.date | None = None
    consent: bool = False
    lines: list[LineData] = field(default_factory=list)
    documents: dict[str, Any] = field(default_factory=dict)
    bank_name: str = ""
    account: str = ""


class _Retry(Exception):
    """A counter or invoice moved between reading and taking: read again."""


def _money(value: Any, where: str, name: str) -> int:
    if type(value) is not int or value < 0:
        raise RuleViolation(
            _("%(where)s: enter an amount of 0 or more.") % {"where": where}, field=name
        )
    return value


def _check_line(number: int, line: LineData, fixed: bool) -> None:
    where = _("Line %(n)d") % {"n": number}
    for name in ("asked_fen", "total_fen", "insurance_fen", "self_paid_fen", "eligible_fen"):
        _money(getattr(line, name), where, f"lines.{name}")
    if fixed:
        return
    if not line.invoice_code.strip() or not line.invoice_number.strip():
        raise RuleViolation(
            _("%(where)s: enter the invoice code and number.") % {"where": where},
            field="lines.invoice_number",
        )
    if line.total_fen != line.insurance_fen + line.self_paid_fen:
        raise RuleViolation(
            _("%(where)s: the total must be what basic insurance paid plus the self-paid part.")
            % {"where": where},
            field="lines.total_fen",
        )
    if line.eligible_fen > line.self_paid_fen or not 0 < line.asked_fen <= line.self_paid_fen:
        raise RuleViolation(
            _(
                "%(where)s: the eligible and asked amounts are at most the self-paid part (and something is asked)."
            )
            % {"where": where},
            field="lines.asked_fen",
        )


def _check_data(plan: Plan, data: ClaimData, rules_illnesses: dict[str, str]) -> None:
    if not data.consent:
        raise RuleViolation(
            _("The member must consent to the use of their health data for this claim."),
            field="consent",
        )
    if data.service_on > clock.today():
        raise RuleViolation(_("The date cannot be in the future."), field="service_on")
    if rules_illnesses and data.illness not in rules_illnesses:
        raise RuleViolation(_("Choose an illness the plan lists."), field="illness")
    one_line(data.illness, "illness", 20, required_message=_("Enter the illness category."))
    one_line(data.hospital, "hospital", 80, required_message=_("Enter the hospital."))
    if data.discharged_on and data.discharged_on < data.service_on:
        raise RuleViolation(_("Discharge comes after admission."), field="discharged_on")
    fixed = plan.kind in FIXED_SUM_KINDS
    if not fixed and not 0 < len(data.lines) <= MAX_LINES:
        raise RuleViolation(_("Enter 1 to %(n)d invoice lines.") % {"n": MAX_LINES}, field="lines")
    keys = set()
    for number, line in enumerate(data.lines, start=1):
        _check_line(number, line, fixed)
        key = invoice_key(line.invoice_code, line.invoice_number, line.check_code)
        if not fixed and key in keys:
            raise RuleViolation(
                _("Line %(n)d: this invoice is listed twice.") % {"n": number},
                field="lines.invoice_number",
            )
        keys.add(key)
    missing = [
        str(DocKind(kind).label)
        for kind in REQUIRED_DOCS[plan.kind]
        if not data.documents.get(kind)
    ]
    if missing:
        raise RuleViolation(
            _("Attach the documents: %(names)s.") % {"names": "、".join(missing)}, field="documents"
        )


def _cities(invoice_id: int, claim: Claim) -> str:
    from nuanjia.orgs.models import Org

    codes = set(
        InvoiceUse.objects.filter(invoice_id=invoice_id)
        .exclude(line__claim=claim)
        .values_list("city_code", flat=True)
    )
    names = Org.objects.filter(kind=Org.Kind.CITY, region_code__in=codes).values_list(
        "name", flat=True
    )
    return "、".join(sorted(names)) or "、".join(sorted(codes))


def _attempt(claim: Claim, lines: list[ClaimLine], refusal: str) -> list[LineOut]:
    rules = parse_rules(claim.plan.kind, claim.version.rules)
    ins = [
        LineIn(
            line.asked_fen,
            line.eligible_fen,
            counters.invoice_left(line.invoice_id) if line.invoice_id else None,
        )
        for line in lines
    ]
    limits = Limits(
        claim.version.cap_claim_fen,
        counters.left(YearCounter, claim.year_counter_id),
        counters.left(Episode, claim.episode_id),
    )
    outs = propose(ins, rules, limits, refusal=refusal)
    for line, out in zip(lines, outs, strict=True):
        if line.invoice_id and not counters.take_invoice(line.invoice_id, out.proposed_fen):
            raise _Retry
    total = sum(out.proposed_fen for out in outs)
    if not counters.take(YearCounter, claim.year_counter_id, total):
        raise _Retry
    if not counters.take(Episode, claim.episode_id, total):
        raise _Retry
    return outs


def check_claim(claim: Claim, lines: list[ClaimLine]) -> None:
    """The automatic check of one received claim, in the caller's transaction."""
    enrolment = claim.enrolment
    refusal = coverage_refusal(
        active=enrolment.status == EnrolmentStatus.ACTIVE, starts_on=enrolment.starts_on,
        ends_on=enrolment.ends_on, cover_starts_on=enrolment.cover_starts_on,
        waiting_ends_on=enrolment.waiting_ends_on, day=claim.service_on,
    )  # fmt: skip
    for _attempt_number in range(ATTEMPTS):
        try:
            with transaction.atomic():
                outs = _attempt(claim, lines, refusal)
            break
        except _Retry:
            continue
    else:
        raise RuleViolation(_("The claim could not be checked now; try again."), code="busy")
    uses = []
    for line, out in zip(lines, outs, strict=True):
        line.proposed_fen = out.proposed_fen
        line.cuts = [
            [code, fen, _cities(line.invoice_id, claim)]
            if code == Cut.DUPLICATE_INVOICE and line.invoice_id
            else [code, fen]
            for code, fen in out.cuts
        ]
        if line.invoice_id and out.proposed_fen:
            uses.append(
                InvoiceUse(
                    invoice_id=line.invoice_id,
                    line=line,
                    city_code=claim.city_code,
                    amount_fen=out.proposed_fen,
                )
            )
    ClaimLine.objects.bulk_update(lines, ["proposed_fen", "cuts"])
    InvoiceUse.objects.bulk_create(uses)
    claim.proposed_fen = claim.reserved_fen = sum(out.proposed_fen for out in outs)
    claim.second_review = claim.proposed_fen > claim.version.review_above_fen or (
        in_review_sample(claim.plan_id, claim.pk, claim.version.sample_percent)
    )
    claim.status = ClaimStatus.SUBMITTED
    claim.save()


def _bank(claim: Claim, worker: Worker, data: ClaimData) -> None:
    account = "".join(data.account.split())
    if account:
        if not account.isdigit() or not 12 <= len(account) <= 30:
            raise RuleViolation(
                _("Enter the bank account number (12 to 30 digits)."), field="account"
            )
        claim.account_encrypted, claim.account_masked = (
            crypto.encrypt(account),
            mask_bank_account(account),
        )
        claim.bank_name = one_line(
            data.bank_name, "bank_name", 60, required_message=_("Enter the bank.")
        )
    else:
        claim.account_encrypted, claim.account_masked = (
            worker.bank_account_encrypted,
            worker.bank_account_masked,
        )
        claim.bank_name = worker.bank_name
    if not claim.account_encrypted:
        raise RuleViolation(_("Enter the bank account the money goes to."), field="account")


def _lines(
    claim: Claim, plan: Plan, data: ClaimData, fixed_ask: int, fixed_sum: int
) -> list[ClaimLine]:
    if plan.kind in FIXED_SUM_KINDS:
        return [ClaimLine(claim=claim, position=1, asked_fen=fixed_ask, eligible_fen=fixed_sum)]
    made = []
    for number, line in enumerate(data.lines, start=1):
        key = invoice_key(line.invoice_code, line.invoice_number, line.check_code)
        invoice = counters.invoice_for(key, line.self_paid_fen)
        made.append(
            ClaimLine(
                claim=claim, position=number, invoice=invoice,
                invoice_code=line.invoice_code.strip(), invoice_number=line.invoice_number.strip(),
                check_code=line.check_code.strip(), total_fen=line.total_fen,
                insurance_fen=line.insurance_fen, self_paid_fen=line.self_paid_fen,
                eligible_fen=line.eligible_fen, asked_fen=line.asked_fen,
            )
        )  # fmt: skip
    return made


@transaction.atomic
def submit_claim(
    plan: Plan,
    worker: Worker,
    data: ClaimData,
    *,
    by: Actor | None,
    via: str = Via.STAFF,
    actor_label: str = "",
    check: bool = True,
) -> Claim:
    """Enter a claim and check it: it waits for review with its proposed amount reserved.
    With `check=False` it is only received; a bulk run checks it (services.bulk_check)."""
    enrolment: Enrolment | None = enrolment_on(plan, worker, data.service_on)
    if enrolment is None:
        raise RuleViolation(
            _("%(name)s was never enrolled in %(plan)s before this date.")
            % {"name": worker.name, "plan": plan},
            field="worker",
            code="not_enrolled",
        )
    if via == Via.STAFF:
        require_role(by, enrolment.org)
    version = version_on(plan, data.service_on)
    rules = parse_rules(plan.kind, version.rules)
    _check_data(plan, data, rules.illnesses)
    fixed_ask = max(
        (row.fen for row in rules.fixed if row.illness in (data.illness, "*")), default=0
    )
    cover_start = enrolment.cover_starts_on or enrolment.starts_on
    fixed_sum = rules.fixed_sum(data.illness, day_of_cover(cover_start, data.service_on))
    episode = counters.episode_for(
        worker,
        plan,
        one_line(data.episode or data.illness, "episode", 60),
        data.service_on,
        version.cap_episode_fen,
    )
    claim = Claim(
        enrolment=enrolment, plan=plan, version=version, worker=worker, org=enrolment.org,
        pool_org=plan.pool_org, city_code=city_code_of(enrolment.org), episode=episode,
        year_counter=counters.year_counter(worker, plan, enrolment.starts_on, version.cap_year_fen),
        illness=data.illness.strip(), hospital=one_line(data.hospital, "hospital", 80),
        diagnosis_encrypted=crypto.encrypt(data.diagnosis.strip()) if data.diagnosis.strip() else "",
        service_on=data.service_on, discharged_on=data.discharged_on, consent_at=timezone.now(),
        via=via, submitted_by=staff_of(by) if via == Via.STAFF else None,
    )  # fmt: skip
    _bank(claim, worker, data)
    claim.save()
    lines = _lines(claim, plan, data, fixed_ask, fixed_sum)
    ClaimLine.objects.bulk_create(lines)
    claim.asked_fen = sum(line.asked_fen for line in lines)
    for kind, upload in data.documents.items():
        if upload:
            document = ClaimDocument(
                claim=claim, kind=kind, added_by=staff_of(by) if via == Via.STAFF else None
            )
            documents.store(document, upload, label=DocKind(kind).label, field=f"documents.{kind}")
            document.save()
    if check:
        check_claim(claim, lines)
    else:
        claim.save()
    CLAIM_FLOW.record(
        claim, "submit", ClaimStatus.RECEIVED, by=by if via == Via.STAFF else None,
        changes={"asked_fen": claim.asked_fen, "proposed_fen": claim.proposed_fen,
                 "illness": claim.illness, "second_review": claim.second_review, "via": via},
        actor_label=actor_label,
    )  # fmt: skip
    return claim
