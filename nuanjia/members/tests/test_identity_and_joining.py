"""Who the member is (binding by name and ID, or registering) and joining the union online,
decided by the county's approver or the workplace union's staff."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied

from nuanjia.core.errors import RuleViolation
from nuanjia.core.sms import MemoryBackend
from nuanjia.members import services
from nuanjia.members.models import Binding, Join, Member
from nuanjia.members.workflow import BINDING_FLOW, JOIN_FLOW, BindingStep, JoinStep
from nuanjia.orgs.models import Org
from nuanjia.people.models import OccupationTag, Worker
from nuanjia.people.tests.support import id_number, register

from .conftest import member_client, sign_in

RECORDED = "13911112222"
NEW_PHONE = "13833334444"


def courier_tag():
    return OccupationTag.objects.get_or_create(name="快递员")[0]


def join_pool(member, **values):
    return services.apply_to_join(
        member, occupation=courier_tag().pk, employer_name="顺丰速运", region_code="410108",
        **values,
    )  # fmt: skip


@pytest.mark.django_db
def test_a_binding_by_name_and_id_shows_nothing_until_the_union_confirms(
    caseworker, django_capture_on_commit_callbacks
):
    worker = register(caseworker, name="李强", phone=RECORDED, id_number=id_number(sequence=301))
    client, member = member_client(NEW_PHONE)
    assert member.worker is None
    response = client.post("/m/me/", {"name": "李强", "id_number": id_number(sequence=301),
                                      "region_code": "410108"})  # fmt: skip
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.worker is None  # nothing of the union's records yet
    home = client.get("/m/").content.decode()
    assert 'data-testid="binding-pending"' in home and worker.member_number not in home
    assert client.get("/m/card/").content.decode().count("qr") == 0
    binding = Binding.objects.get()
    assert binding.org == worker.org and binding.status == Binding.Status.PENDING
    with django_capture_on_commit_callbacks(execute=True):
        BINDING_FLOW.take_step(binding, BindingStep.CONFIRM, by=caseworker)
    member.refresh_from_db()
    assert member.worker == worker and member.bound_via == Member.BoundVia.ID_CHECK
    assert MemoryBackend.outbox[-1][0] == NEW_PHONE
    assert binding.events.count() == 2  # asked, confirmed


@pytest.mark.django_db
def test_a_binding_with_the_wrong_name_is_refused_on_the_name(caseworker):
    register(caseworker, name="李强", phone=RECORDED, id_number=id_number(sequence=301))
    _client, member = member_client(NEW_PHONE)
    with pytest.raises(RuleViolation) as refused:
        services.identify(member, name="李四", id_number=id_number(sequence=301))
    assert refused.value.field == "name"
    assert not Binding.objects.exists()


@pytest.mark.django_db
def test_a_new_binding_takes_the_record_from_the_earlier_account_and_texts_it(
    caseworker, django_capture_on_commit_callbacks
):
    worker = register(caseworker, name="李强", phone=RECORDED, id_number=id_number(sequence=301))
    old, _raw = sign_in(RECORDED)  # bound by the recorded phone
    assert old.worker == worker
    new, _raw = sign_in(NEW_PHONE)
    binding = services.identify(new, name="李强", id_number=id_number(sequence=301))
    with django_capture_on_commit_callbacks(execute=True):
        BINDING_FLOW.take_step(binding, BindingStep.CONFIRM, by=caseworker)
    old.refresh_from_db()
    new.refresh_from_db()
    assert old.worker is None and new.worker == worker
    assert RECORDED in [to for to, _text in MemoryBackend.outbox[-2:]]


@pytest.mark.django_db
def test_a_person_not_in_the_registry_is_registered_in_the_county_pool(pool):
    _client, member = member_client(NEW_PHONE)
    services.identify(member, name="赵敏", id_number=id_number(sequence=402), region_code="410108")
    member.refresh_from_db()
    worker = member.worker
    assert worker.org == pool and worker.phone == NEW_PHONE
    assert member.bound_via == Member.BoundVia.REGISTERED and worker.union is None


@pytest.fixture
def applicant(pool):
    _client, member = member_client(NEW_PHONE)
    services.identify(member, name="赵敏", id_number=id_number(sequence=402), region_code="410108")
    member.refresh_from_db()
    return member


@pytest.mark.django_db
def test_a_pool_join_is_decided_by_the_county_approver_only(
    applicant, caseworker, county_approver, pool, django_capture_on_commit_callbacks
):
    join = join_pool(applicant)
    assert join.status == Join.Status.POOL_REVIEW and join.org == pool
    assert JOIN_FLOW.steps_for(join, caseworker) == []
    with pytest.raises(PermissionDenied):
        JOIN_FLOW.take_step(join, JoinStep.ACCEPT, by=caseworker)
    with django_capture_on_commit_callbacks(execute=True):
        JOIN_FLOW.take_step(join, JoinStep.ACCEPT, by=county_approver)
    worker = Worker.objects.get(pk=applicant.worker_id)
    assert worker.union == pool and worker.is_member
    assert worker.joined_union_on is not None
    assert worker.occupations.filter(name="快递员").exists()
    assert worker.member_number in MemoryBackend.outbox[-1][1]


@pytest.mark.django_db
def test_a_join_to_a_workplace_union_is_decided_by_its_staff(applicant, make_staff):
    from nuanjia.orgs.services import create_grassroots_union

    county = Org.objects.get(code="410108")
    firm = create_grassroots_union(
        parent=county, name="惠济物流工会", kind=Org.Kind.ENTERPRISE, by=None
    )
    firm_caseworker = make_staff(firm.code, "caseworker")
    join = join_pool(applicant, union=firm.pk)
    assert join.status == Join.Status.UNION_REVIEW and join.org == firm
    JOIN_FLOW.take_step(join, JoinStep.ACCEPT, by=firm_caseworker)
    assert Worker.objects.get(pk=applicant.worker_id).union == firm


@pytest.mark.django_db
def test_a_member_cannot_join_twice(applicant, county_approver):
    JOIN_FLOW.take_step(join_pool(applicant), JoinStep.ACCEPT, by=county_approver)
    with pytest.raises(RuleViolation) as refused:
        join_pool(Member.objects.get(pk=applicant.pk))
    assert refused.value.code == "already_member"


@pytest.mark.django_db
def test_one_open_application_at_a_time_and_it_can_be_withdrawn(applicant):
    join = join_pool(applicant)
    with pytest.raises(RuleViolation):
        join_pool(applicant)
    services.withdraw_join(applicant, join)
    join.refresh_from_db()
    assert join.status == Join.Status.WITHDRAWN
    assert join_pool(applicant).status == Join.Status.POOL_REVIEW


@pytest.mark.django_db
def test_under_sixteen_cannot_join(pool):
    _client, member = member_client(NEW_PHONE)
    young = datetime.date.today().replace(year=datetime.date.today().year - 15)
    services.identify(member, name="小明", id_number=id_number(born=young, sequence=403),
                      region_code="410108")  # fmt: skip
    member.refresh_from_db()
    with pytest.raises(RuleViolation) as refused:
        join_pool(member)
    assert refused.value.code == "too_young"


@pytest.mark.django_db
def test_a_refusal_needs_a_reason_and_tells_the_applicant(
    applicant, county_approver, django_capture_on_commit_callbacks
):
    join = join_pool(applicant)
    with pytest.raises(RuleViolation):
        JOIN_FLOW.take_step(join, JoinStep.REFUSE, by=county_approver, note="")
    with django_capture_on_commit_callbacks(execute=True):
        JOIN_FLOW.take_step(join, JoinStep.REFUSE, by=county_approver, note="不在本县居住")
    assert "不在本县居住" in applicant.messages.get().text


@pytest.mark.django_db
def test_join_pages_and_figures_add_up(applicant, county_approver, client):
    join = join_pool(applicant)
    client.force_login(county_approver)
    from conftest import verified_login

    verified_login(client, county_approver)
    queue = client.get("/members/joins/")
    assert "赵敏" in queue.content.decode()
    response = client.post(f"/members/joins/{join.pk}/accept/", {"note": ""})
    assert response.status_code == 302
    join.refresh_from_db()
    assert join.status == Join.Status.ACCEPTED
    figures = client.get("/members/joins/figures/").content.decode()
    assert f"occupation={join.occupation_id}" in figures
    drill = client.get(f"/members/joins/?status=accepted&occupation={join.occupation_id}")
    assert drill.content.decode().count('href="/members/joins/') >= 1


@pytest.mark.django_db
def test_a_unions_own_wording_replaces_the_built_in_message(applicant, county_approver):
    from nuanjia.members.models import MessageTemplate
    from nuanjia.members.services.messages import check_template

    with pytest.raises(RuleViolation):
        check_template("join_accepted", "欢迎！")  # the placeholders must stay
    check_template("join_accepted", "欢迎加入%(union)s，会员号 %(number)s。")
    MessageTemplate.objects.create(
        topic="join_accepted", text="欢迎加入%(union)s，会员号 %(number)s。"
    )
    JOIN_FLOW.take_step(join_pool(applicant), JoinStep.ACCEPT, by=county_approver)
    assert applicant.messages.get().text.startswith("欢迎加入郑州市惠济区总工会")


@pytest.mark.django_db
def test_the_binding_queue_through_the_api(caseworker, outsider):
    from django.test import Client

    from nuanjia.accounts.services import issue_api_token

    register(caseworker, name="李强", phone=RECORDED, id_number=id_number(sequence=301))
    _client, member = member_client(NEW_PHONE)
    binding = services.identify(member, name="李强", id_number=id_number(sequence=301))
    _t, raw = issue_api_token(caseworker, name="t", by=caseworker)
    api = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    listed = api.get("/api/v1/members/bindings").json()
    assert listed["count"] == 1 and listed["items"][0]["account_phone"] == "138****4444"
    assert api.get(f"/api/v1/members/bindings/{binding.pk}").json()["steps"] == [
        "confirm",
        "refuse",
    ]
    refused = api.post(f"/api/v1/members/bindings/{binding.pk}/refuse", {"note": ""},
                       content_type="application/json")  # fmt: skip
    assert refused.status_code == 422  # a refusal says why
    done = api.post(f"/api/v1/members/bindings/{binding.pk}/confirm", {"note": "电话核实"},
                    content_type="application/json")  # fmt: skip
    assert done.json()["status"] == "confirmed"
    _t2, other = issue_api_token(outsider, name="t", by=outsider)
    outside = Client(HTTP_AUTHORIZATION=f"Bearer {other}")
    assert outside.get(f"/api/v1/members/bindings/{binding.pk}").status_code == 404


@pytest.mark.django_db
def test_a_member_moves_their_membership_never_joining_twice(
    applicant, county_approver, make_staff
):
    from nuanjia.orgs.services import create_grassroots_union

    JOIN_FLOW.take_step(join_pool(applicant), JoinStep.ACCEPT, by=county_approver)
    worker = Worker.objects.get(pk=applicant.worker_id)
    joined_on = worker.joined_union_on
    firm = create_grassroots_union(parent=Org.objects.get(code="410108"), name="惠济快递工会",
                                   kind=Org.Kind.ENTERPRISE, by=None)  # fmt: skip
    member = Member.objects.get(pk=applicant.pk)
    move = join_pool(member, union=firm.pk, move=True)
    assert move.moving_from == worker.union and Worker.objects.get(pk=worker.pk).is_member
    JOIN_FLOW.take_step(move, JoinStep.ACCEPT, by=make_staff(firm.code, "caseworker"))
    worker.refresh_from_db()
    assert worker.union == firm and worker.joined_union_on == joined_on
