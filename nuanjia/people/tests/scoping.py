"""Out-of-scope people rows for the scoping walker (tests/test_scoping.py `other_county`)."""

import datetime

from nuanjia.orgs.rules import Role
from nuanjia.people import services
from nuanjia.people.models import DuplicateCandidate, HouseholdMember, ImportBatch, ImportReview

from .import_support import marked_staff
from .support import id_number


def people_rows(union, marker: str) -> dict[str, int]:
    """A 开封 worker with a household member, an honour, a transfer asked of it by another
    开封 county and a possible duplicate of it, all carrying the marker; returns the walker's URL parameters."""
    owner = marked_staff("410204", "kf_people_owner", marker, Role.CASEWORKER)
    neighbour = marked_staff("410205", "kf_people_neighbour", marker, Role.CASEWORKER)
    born = datetime.date(1979, 4, 2)
    worker = services.register_worker(
        org=union,
        by=owner,
        name=marker,
        id_number=id_number("410204", born, 771),
        phone="13700000771",
        address=marker,
    )
    household = services.create_household(worker, by=owner, notes=marker)
    member = services.add_member(
        household, by=owner, relation=HouseholdMember.Relation.SPOUSE, name=marker, health=marker
    )
    transfer = services.request_transfer(worker, by=neighbour, reason=marker)
    honour = services.add_honour(
        worker, by=owner, kind="model_worker", level="city", year=2020, issuer=marker, note=marker
    )
    twin = services.register_worker(
        org=union, by=owner, name=marker, birth_date=born, address=marker
    )
    candidate = DuplicateCandidate.objects.get(
        worker=min(worker.pk, twin.pk), other=max(worker.pk, twin.pk)
    )
    batch = ImportBatch.objects.create(org=union, mode="valid_rows", file_name=f"{marker}.csv")
    review = ImportReview.objects.create(
        batch=batch, row=2, worker=worker, name=marker, values={"address": marker}
    )
    return {
        "review_id": review.pk,
        "worker_id": worker.pk,
        "member_id": member.pk,
        "transfer_id": transfer.pk,
        "candidate_id": candidate.pk,
        "honour_id": honour.pk,
    }
