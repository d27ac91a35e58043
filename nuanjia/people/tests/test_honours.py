"""Honours (劳动模范, 五一劳动奖章…): services with their audit events and scope, the section of
the worker's page, and the API operations."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from nuanjia.core.errors import RuleViolation
from nuanjia.core.models import AuditEvent
from nuanjia.orgs.rules import Role
from nuanjia.people import services
from nuanjia.people.models import Honour

pytestmark = pytest.mark.django_db

MODEL_WORKER = {
    "kind": "model_worker",
    "level": "provincial",
    "year": 2015,
    "issuer": "河南省人民政府",
}


def test_an_honour_is_recorded_and_removed_with_an_audit_event_each(caseworker, zhang):
    honour = services.add_honour(zhang, by=caseworker, note="省劳模", **MODEL_WORKER)
    assert list(zhang.honours.all()) == [honour]
    assert honour.created_by == caseworker and honour.year == 2015
    added = AuditEvent.objects.get(action="honour.added", object_id=str(zhang.pk))
    assert added.changes["kind"] == "model_worker" and added.changes["year"] == 2015
    services.remove_honour(honour, by=caseworker)
    assert not Honour.objects.exists()
    removed = AuditEvent.objects.get(action="honour.removed", object_id=str(zhang.pk))
    assert removed.changes["issuer"] == "河南省人民政府"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"kind": "hero"}, "kind"),
        ({"level": "galactic"}, "level"),
        ({"year": 1949}, "year"),
        ({"year": 2999}, "year"),
        ({"year": "二〇一五"}, "year"),
        ({"issuer": "  "}, "issuer"),
        ({"issuer": "河南\u202e省"}, "issuer"),
    ],
)
def test_a_bad_honour_is_refused_in_chinese_naming_the_field(caseworker, zhang, change, field):
    with pytest.raises(RuleViolation) as refused:
        services.add_honour(zhang, by=caseworker, **{**MODEL_WORKER, **change})
    assert refused.value.field == field
    assert refused.value.message  # Chinese once the lead merges /work/notes/i18n-elig.tsv
    assert not Honour.objects.exists()
    assert not AuditEvent.objects.filter(action="honour.added").exists()


def test_only_a_caseworker_of_the_workers_subtree_records_or_removes_honours(
    caseworker, outsider, approver, zhang
):
    for actor in (outsider, approver):
        with pytest.raises(PermissionDenied):
            services.add_honour(zhang, by=actor, **MODEL_WORKER)
    honour = services.add_honour(zhang, by=caseworker, **MODEL_WORKER)
    with pytest.raises(PermissionDenied):
        services.remove_honour(honour, by=outsider)
    assert Honour.objects.count() == 1


def test_the_workers_page_lists_honours_and_records_one(login, caseworker, zhang):
    client = login(caseworker)
    response = client.post(reverse("people:honour_new", args=[zhang.pk]), MODEL_WORKER)
    assert response.status_code == 302
    page = client.get(reverse("people:worker_detail", args=[zhang.pk])).content.decode()
    assert "河南省人民政府" in page and "2015" in page
    honour = zhang.honours.get()
    client.post(reverse("people:honour_remove", args=[honour.pk]))
    assert not zhang.honours.exists()


def test_a_refused_honour_shows_the_form_again_with_the_message(login, caseworker, zhang):
    client = login(caseworker)
    response = client.post(
        reverse("people:honour_new", args=[zhang.pk]), {**MODEL_WORKER, "issuer": ""}
    )
    assert response.status_code == 200 and not zhang.honours.exists()
    assert response.context["honour_form"].errors["issuer"]


def test_pages_of_another_county_answer_404_and_a_reviewer_gets_403(
    login, caseworker, outsider, make_staff, zhang
):
    honour = services.add_honour(zhang, by=caseworker, **MODEL_WORKER)
    client = login(outsider)
    assert (
        client.post(reverse("people:honour_new", args=[zhang.pk]), MODEL_WORKER).status_code == 404
    )
    assert client.post(reverse("people:honour_remove", args=[honour.pk])).status_code == 404
    reviewer = make_staff("410108", Role.REVIEWER)
    client = login(reviewer)
    assert client.post(reverse("people:honour_remove", args=[honour.pk])).status_code == 403
    assert Honour.objects.count() == 1


def test_the_api_lists_records_and_removes_honours(login, caseworker, outsider, zhang):
    client = login(caseworker)
    url = f"/api/v1/people/workers/{zhang.pk}/honours"
    created = client.post(url, MODEL_WORKER, content_type="application/json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["kind"] == "model_worker" and body["year"] == 2015 and body["kind_label"]
    assert [item["id"] for item in client.get(url).json()] == [body["id"]]
    refused = client.post(url, {**MODEL_WORKER, "year": 1949}, content_type="application/json")
    assert refused.status_code == 400 and refused.json()["field"] == "year"
    outside = login(outsider)
    assert outside.get(url).status_code == 404
    assert outside.post(f"/api/v1/people/honours/{body['id']}/remove").status_code == 404
    client = login(caseworker)
    assert client.post(f"/api/v1/people/honours/{body['id']}/remove").status_code == 204
    assert not zhang.honours.exists()
