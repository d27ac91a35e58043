"""The demo's mutual aid: 信阳's serious-illness plan pooled at the city federation, its
members enrolled through 浉河区 and paid, and the 459 workers paid 104.11万元 in 2025 — rows
made with bulk inserts (the demo loads in seconds) and the money through the ledger's bulk
posting, so the figures page counts them from the rows."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from nuanjia.core import crypto
from nuanjia.core.audit import record_event
from nuanjia.funds import services as funds
from nuanjia.funds.models import Bucket
from nuanjia.orgs.models import Org
from nuanjia.people.models import Worker

from .models import Claim, ClaimLine, Contribution, Enrolment, Episode, YearCounter
from .rules import SOURCE_CLAIM, ClaimStatus, EnrolmentStatus, Payer, PlanKind
from .services import add_version, create_plan, pool_account
from .services.enrolment import post_contributions

START = datetime.date(2025, 1, 1)
MEMBERS = 11_000
CONTRIBUTION_FEN = 10_000  # 100 元 a member a year
# 459 workers paid 104.11万元: 313 × 2,300 元 (恶性肿瘤) + 146 × 2,200 元 (脑卒中).
PAID = (("cancer", 230_000, 313), ("stroke", 220_000, 146))
RULES = {
    "illnesses": {"cancer": "恶性肿瘤", "stroke": "脑卒中后遗症"},
    "fixed": [
        {"illness": "cancer", "from_day": 91, "fen": 230_000},
        {"illness": "stroke", "from_day": 91, "fen": 220_000},
        {"illness": "*", "from_day": 30, "to_day": 90, "fen": 50_000},
    ],
}


def _members(county: Org) -> list[int]:
    Worker.objects.bulk_create(
        (Worker(org=county, name=f"信阳职工{n:05d}", region_code=county.region_code,
                bank_name="中国农业银行", bank_account_encrypted=crypto.encrypt(f"6228480{n:012d}"),
                bank_account_masked=f"6228****{n % 10_000:04d}")
         for n in range(MEMBERS)),
        batch_size=2000,
    )  # fmt: skip
    return list(
        Worker.objects.filter(org=county, name__startswith="信阳职工")
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _claims(plan, version, county: Org, enrolments: list[Enrolment]) -> list[Claim]:
    now = timezone.now()
    rows = []
    n = 0
    for illness, fen, count in PAID:
        for _ in range(count):
            enrolment = enrolments[n * 7 % len(enrolments)]
            n += 1
            episode = Episode(
                worker_id=enrolment.worker_id,
                plan=plan,
                label=illness,
                started_on=START,
                cap_fen=version.cap_episode_fen,
            )
            counter = YearCounter(
                worker_id=enrolment.worker_id,
                plan=plan,
                term_starts_on=START,
                cap_fen=version.cap_year_fen,
                used_fen=fen,
            )
            day = START + datetime.timedelta(days=120 + n % 200)
            rows.append((enrolment, episode, counter, illness, fen, day))
    Episode.objects.bulk_create([row[1] for row in rows])
    YearCounter.objects.bulk_create([row[2] for row in rows])
    for _e, episode, _c, _i, fen, _d in rows:
        episode.used_fen = fen
    Episode.objects.bulk_update([row[1] for row in rows], ["used_fen"])
    claims = Claim.objects.bulk_create(
        Claim(enrolment=e, plan=plan, version=version, worker_id=e.worker_id, org=county, pool_org=plan.pool_org,
              city_code="411500", episode=ep, year_counter=c, illness=illness, hospital="信阳市中心医院",
              service_on=day, consent_at=now, asked_fen=fen, proposed_fen=fen, approved_fen=fen,
              status=ClaimStatus.PAID, bank_name="中国农业银行", account_encrypted=crypto.encrypt("6228480000000000000"),
              account_masked="6228****0000", paid_on=day + datetime.timedelta(days=30))
        for e, ep, c, illness, fen, day in rows
    )  # fmt: skip
    ClaimLine.objects.bulk_create(
        ClaimLine(claim=claim, asked_fen=claim.asked_fen, eligible_fen=claim.asked_fen,
                  proposed_fen=claim.asked_fen, approved_fen=claim.asked_fen)
        for claim in claims
    )  # fmt: skip
    return claims


def _paid_from_pool(plan, claims: list[Claim]) -> None:
    account = pool_account(plan)
    postings = []
    for kind, source, target in ((funds.Kind.RESERVE, Bucket.AVAILABLE, Bucket.RESERVED),
                                 (funds.Kind.SPEND, Bucket.RESERVED, Bucket.SPENT)):  # fmt: skip
        postings += [
            funds.Posting(kind=kind, org=plan.pool_org, earmark=plan.earmark, amount_fen=claim.approved_fen,
                          legs=[funds.Leg(account, source, -claim.approved_fen), funds.Leg(account, target, claim.approved_fen)],
                          source_type=SOURCE_CLAIM, source_id=str(claim.pk), memo=str(claim),
                          posted_on=claim.paid_on)
            for claim in claims
        ]  # fmt: skip
    funds.post_many(postings, by=None, memo="信阳职工互助保障 2025")


@transaction.atomic
def load_demo_mutualaid() -> None:
    from .models import Plan

    if Plan.objects.filter(code="xy-zdjb").exists():
        return
    city, county = Org.objects.get(code="411500"), Org.objects.get(code="411502")
    plan = create_plan(
        code="xy-zdjb",
        name="信阳市职工重大疾病互助保障",
        kind=PlanKind.CRITICAL,
        pool_org=city,
        by=None,
    )
    version = add_version(
        plan, START, rules=RULES, by=None, contribution_fen=CONTRIBUTION_FEN, union_share_fen=5_000,
        member_share_fen=5_000, term_months=12, waiting_days=90, cap_claim_fen=1_000_000,
        cap_episode_fen=1_000_000, cap_year_fen=1_000_000, sample_percent=10, review_above_fen=500_000,
    )  # fmt: skip
    paid_on = datetime.date(2024, 12, 20)
    enrolments = Enrolment.objects.bulk_create(
        (Enrolment(plan=plan, version=version, worker_id=pk, org=county, city_code="411500", starts_on=START,
                   ends_on=datetime.date(2025, 12, 31), contribution_fen=CONTRIBUTION_FEN, paid_fen=CONTRIBUTION_FEN,
                   paid_in_full_on=paid_on, cover_starts_on=START, waiting_ends_on=datetime.date(2025, 3, 31),
                   status=EnrolmentStatus.ACTIVE)
         for pk in _members(county)),
        batch_size=2000,
    )  # fmt: skip
    Contribution.objects.bulk_create(
        (
            Contribution(
                enrolment=e, payer=Payer.UNION, amount_fen=CONTRIBUTION_FEN, paid_on=paid_on
            )
            for e in enrolments
        ),
        batch_size=2000,
    )
    post_contributions(
        plan, county, CONTRIBUTION_FEN * len(enrolments), "demo-2025", "信阳 2025 年度缴费"
    )
    claims = _claims(plan, version, county, enrolments)
    _paid_from_pool(plan, claims)
    record_event(plan, "mutualaid.enrolments_imported", by=None, org=county,
                 changes={"demo": True, "members": len(enrolments), "paid_claims": len(claims)})  # fmt: skip
