"""Out-of-scope hardship rows for the scoping walker (tests/test_scoping.py `other_county`)."""

import datetime

from django.utils import timezone

from nuanjia.hardship.models import FileAttachment, HardshipFile, HardshipPolicy, Objection
from nuanjia.hardship.rules import Category, Status
from nuanjia.people.models import Household, HouseholdMember, Worker
from nuanjia.standards.models import DibaoStandard, MinimumWage


def hardship_rows(union, marker: str) -> dict[str, int]:
    """A 开封 family in publicity with an objection and an attachment, and 开封's own
    standards, all carrying the marker; returns the walker's URL parameters for them."""
    today = timezone.localdate()
    worker = Worker.objects.create(  # type: ignore[misc]  # a sealed-phone property (core.sealed_phones)
        org=union,
        name=marker,
        name_pinyin=marker.lower(),
        region_code="410204",
        phone="13900000000",
    )
    household = Household.objects.create(
        org=union, worker=worker, region_code="410204", notes=marker
    )
    HouseholdMember.objects.create(
        household=household, relation=HouseholdMember.Relation.SELF, name=marker, health=marker
    )
    hardship_file = HardshipFile.objects.create(
        household=household,
        org=union,
        region_code="410204",
        status=Status.IN_PUBLICITY,
        category=Category.DEEP,
        monthly_standard_fen=72_000,
        publicity_starts_on=today,
        publicity_ends_on=today + datetime.timedelta(days=6),
        application_note=marker,
    )
    objection = Objection.objects.create(file=hardship_file, received_on=today, content=marker)
    # No file on disk: the walker must be refused before anything is opened.
    attachment = FileAttachment.objects.create(
        hardship_file=hardship_file,
        kind=FileAttachment.Kind.INCOME,
        file=f"hardship/{hardship_file.pk}/{marker}.pdf",
        name=f"{marker}.pdf",
        size=6,
    )
    standard = DibaoStandard.objects.create(
        region_code="410204",
        effective_on=datetime.date(2025, 1, 1),
        monthly_fen=73_000,
        note=marker,
    )
    wage = MinimumWage.objects.create(
        region_code="410204",
        effective_on=datetime.date(2025, 1, 1),
        monthly_fen=200_000,
        note=marker,
    )
    policy = HardshipPolicy.objects.create(
        region_code="410204", effective_on=datetime.date(2025, 1, 1), note=marker
    )
    return {
        "policy_id": policy.pk,
        "file_id": hardship_file.pk,
        "objection_id": objection.pk,
        "file_attachment_id": attachment.pk,
        "standard_id": standard.pk,
        "wage_id": wage.pk,
    }
