"""Out-of-scope mutual aid rows for the scoping walker (tests/test_scoping.py `other_county`):
a 开封 plan with a member of the 开封 union, paid, with a claim, its line and a document,
an enrolment import run,
every row carrying the marker."""

import datetime

from django.core.files.base import ContentFile
from django.utils import timezone

from nuanjia.funds.models import Earmark
from nuanjia.mutualaid.documents import seal
from nuanjia.mutualaid.models import (
    Claim,
    ClaimDocument,
    ClaimLine,
    Enrolment,
    EnrolmentImport,
    Episode,
    Plan,
    PlanVersion,
    YearCounter,
)  # fmt: skip
from nuanjia.orgs.models import Org
from nuanjia.people.models import Worker


def mutualaid_rows(union, marker: str) -> dict[str, int]:
    city = Org.objects.get(code="410200")
    plan = Plan.objects.create(
        code="kf-scope", name=marker, kind="inpatient", pool_level="city", pool_org=city,
        earmark=Earmark.objects.get(code="mutual-aid"),
    )  # fmt: skip
    start = datetime.date(2026, 1, 1)
    version = PlanVersion.objects.create(
        plan=plan, valid_from=start, contribution_fen=100, union_share_fen=100, rules={"percent": 50},
        cap_claim_fen=100, cap_episode_fen=100, cap_year_fen=100,
    )  # fmt: skip
    worker = Worker.objects.create(org=union, name=marker, region_code="410204")
    enrolment = Enrolment.objects.create(
        plan=plan, version=version, worker=worker, org=union, city_code="410200", starts_on=start,
        ends_on=datetime.date(2026, 12, 31), contribution_fen=100, paid_fen=100, status="active",
        cover_starts_on=start,
    )  # fmt: skip
    episode = Episode.objects.create(
        worker=worker, plan=plan, label=marker, started_on=start, cap_fen=100
    )
    counter = YearCounter.objects.create(
        worker=worker, plan=plan, term_starts_on=start, cap_fen=100
    )
    claim = Claim.objects.create(
        enrolment=enrolment, plan=plan, version=version, worker=worker, org=union, pool_org=city,
        city_code="410200", episode=episode, year_counter=counter, illness=marker[:20], hospital=marker,
        service_on=datetime.date(2026, 6, 1), consent_at=timezone.now(), asked_fen=100, status="submitted",
    )  # fmt: skip
    ClaimLine.objects.create(
        claim=claim, invoice_code="KF", invoice_number=marker[:20], asked_fen=100
    )
    document = ClaimDocument(claim=claim, kind="diagnosis", name=f"{marker}.pdf", size=10)
    document.file.save("x.pdf", ContentFile(seal(b"%PDF-1.4 " + marker.encode())), save=True)
    run = EnrolmentImport.objects.create(
        plan=plan, org=union, mode="valid_rows", file_name=marker, status="failed",
        failure=marker, shown_errors=[[3, "B", marker]], error_sheet=f"0-{'0' * 32}",
    )  # fmt: skip
    return {
        "ma_import_id": run.pk,
        "ma_plan_id": plan.pk,
        "ma_enrolment_id": enrolment.pk,
        "ma_claim_id": claim.pk,
        "ma_document_id": document.pk,
    }


def member_walk_rows(marker: str) -> dict[str, int]:
    """For the member walk (members/tests/test_member_scoping.py): an enrolment of a worker who
    is not the walking member, whose claim page must answer 404, and that worker's claim and
    its document, whose download must answer 404."""
    union = Org.objects.get(code="410108")
    rows = mutualaid_rows(union, marker)
    return {key: rows[key] for key in ("ma_enrolment_id", "ma_claim_id", "ma_document_id")}
