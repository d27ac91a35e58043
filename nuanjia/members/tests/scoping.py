"""Out-of-scope member portal rows for the scoping walker (tests/test_scoping.py)."""

import datetime

from nuanjia.members.models import Binding, DataRequest, Join, Member, Partner, PartnerUser
from nuanjia.orgs.rules import Role
from nuanjia.people import services as people
from nuanjia.people.models import OccupationTag
from nuanjia.people.tests.import_support import marked_staff
from nuanjia.people.tests.support import id_number


def _member(phone: str, **values) -> Member:
    member = Member(
        consent_version="test", consent_at=datetime.datetime.now(datetime.UTC), **values
    )
    member.phone = phone
    member.save()
    return member


def member_rows(union, marker: str) -> dict[str, int]:
    """A 开封 join and binding carrying the marker; returns the walker's URL parameters."""
    owner = marked_staff("410204", "kf_members_owner", marker, Role.CASEWORKER)
    worker = people.register_worker(
        org=union, by=owner, name=marker, phone="13700000912",
        id_number=id_number("410204", datetime.date(1990, 1, 1), 912),
    )  # fmt: skip
    member = _member("13700000913", worker=worker)
    join = Join.objects.create(
        member=member, worker=worker, org=union, county=union.parent, employer_name=marker,
        occupation=OccupationTag.objects.get_or_create(name="快递员")[0], region_code="410204",
        status=Join.Status.UNION_REVIEW,
    )  # fmt: skip
    binding = Binding.objects.create(
        member=_member("13700000914"), worker=worker, org=union, name=marker
    )
    partner = Partner.objects.create(org=union, name=marker, kind=Partner.Kind.SHOP)
    person = PartnerUser(partner=partner, name=marker)
    person.phone = "13700000915"
    person.save()
    data_request = DataRequest.objects.create(
        member=member, org=union, kind=DataRequest.Kind.OTHER, text=marker,
        due_on=datetime.date(2030, 1, 1),
    )  # fmt: skip
    return {
        "data_request_id": data_request.pk,
        "join_id": join.pk,
        "binding_id": binding.pk,
        "partner_id": partner.pk,
        "partner_user_id": person.pk,
    }
