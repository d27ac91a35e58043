"""Under real concurrency (PostgreSQL, 20 threads): one open application a member, one member
account a phone, a pool join accepted once, one live consent a partner.

SQLite serializes every write transaction, so these races exist only on PostgreSQL."""

import pytest

from nuanjia.core.errors import RuleViolation
from nuanjia.members import services
from nuanjia.members.models import Join, Member, PartnerConsent, PhoneCode
from nuanjia.members.services import partners
from nuanjia.members.workflow import JOIN_FLOW, JoinStep
from nuanjia.people.models import OccupationTag, Worker
from nuanjia.people.tests.support import id_number
from tests.concurrency import postgresql_module, race

from .conftest import last_code

pytestmark = postgresql_module()
PHONE = "13812349999"


@pytest.fixture
def applicant(tree, texts):
    services.send_code(
        PHONE, PhoneCode.Purpose.SIGN_IN, ip="10.0.0.1", text="code %(code)s %(minutes)d"
    )
    member, _raw = services.sign_in(PHONE, last_code(PHONE), consent_version="v")
    services.identify(member, name="孙丽", id_number=id_number(sequence=901), region_code="410108")
    return Member.objects.get(pk=member.pk)


def _apply(member):
    tag = OccupationTag.objects.get_or_create(name="快递员")[0]
    return services.apply_to_join(member, occupation=tag.pk, employer_name="京东物流",
                                  region_code="410108")  # fmt: skip


def test_twenty_taps_on_apply_make_one_application(applicant):
    results = race(lambda i: _apply(applicant))
    made = [r for r in results if isinstance(r, Join)]
    refused = [r for r in results if isinstance(r, RuleViolation)]
    assert len(made) == 1 and len(refused) == 19
    assert Join.objects.filter(member=applicant).count() == 1


def test_twenty_approvers_accepting_at_once_admit_the_worker_once(applicant, county_approver):
    join = _apply(applicant)
    results = race(lambda i: JOIN_FLOW.take_step(Join.objects.get(pk=join.pk), JoinStep.ACCEPT,
                                                 by=county_approver))  # fmt: skip
    assert sum(isinstance(r, Join) for r in results) == 1
    worker = Worker.objects.get(pk=applicant.worker_id)
    assert worker.union is not None
    assert join.events.filter(action="join_accepted").count() == 1


def test_twenty_consent_taps_leave_one_live_consent(applicant, caseworker):
    partner = partners.register_partner(
        org=caseworker.org, name="早餐店", kind="shop", by=caseworker
    )
    results = race(
        lambda i: partners.give_partner_consent(Member.objects.get(pk=applicant.pk), partner)
    )
    assert [r for r in results if isinstance(r, Exception)] == []
    assert PartnerConsent.objects.filter(member=applicant, withdrawn_at=None).count() == 1


def test_twenty_wrong_codes_typed_at_once_use_up_a_code_in_exactly_five_tries(
    tree, texts, settings
):
    settings.MEMBER_CODE_LIMITS = {"wrong_code": (0, 1800)}  # the per-code tries alone
    services.send_code(
        PHONE, PhoneCode.Purpose.SIGN_IN, ip="10.0.0.2", text="code %(code)s %(minutes)d"
    )
    right = last_code(PHONE)
    wrong = "000000" if right != "000000" else "111111"
    results = race(lambda i: services.use_code(PHONE, PhoneCode.Purpose.SIGN_IN, wrong))
    assert all(isinstance(r, RuleViolation) for r in results)
    assert PhoneCode.objects.get().tries == 5  # each try counted once, none past the fifth
    with pytest.raises(RuleViolation):
        services.use_code(PHONE, PhoneCode.Purpose.SIGN_IN, right)  # used up
