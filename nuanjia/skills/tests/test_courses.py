"""A course takes registry workers of its union within its places, once each; sessions mark
attendance; a pass with a number records the certificate, which shows on the worker's record
page and on the member's phone; one paper is recorded once."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from conftest import verified_login
from nuanjia.core.models import AuditEvent
from nuanjia.orgs.models import Org
from nuanjia.people.tests.support import id_number, register
from nuanjia.skills import services
from nuanjia.skills.models import Certificate, Enrolment

from .conftest import zhengzhou

pytestmark = pytest.mark.django_db


def test_a_worker_enrols_once_within_the_places(course, workers, caseworker):
    first = services.enrol(course, workers[0], by=caseworker)
    assert first.org == zhengzhou() and first.course == course
    with pytest.raises(services.RuleViolation) as twice:
        services.enrol(course, workers[0], by=caseworker)
    assert twice.value.field == "worker"
    course.places = 2
    course.save()
    services.enrol(course, workers[1], by=caseworker)
    with pytest.raises(services.RuleViolation) as full:
        services.enrol(course, workers[2], by=caseworker)
    assert full.value.code == "full"
    assert AuditEvent.objects.filter(action="skills.enrolled").count() == 2


def test_a_worker_of_another_city_is_refused(course, caseworker, make_staff):
    luoyang = make_staff("410300", "caseworker")
    stranger = register(luoyang, name="洛一", id_number=id_number("410302", sequence=501))
    with pytest.raises(services.RuleViolation) as refused:
        services.enrol(course, stranger, by=caseworker)
    assert refused.value.field == "worker"
    assert not Enrolment.objects.exists()


def test_attendance_counts_each_session_once(course, workers, caseworker):
    trainees = [services.enrol(course, w, by=caseworker) for w in workers[:2]]
    session = services.add_session(course, held_on="2026-04-02", topic="安全用电", by=caseworker)
    assert services.record_attendance(session, [t.pk for t in trainees], by=caseworker) == 2
    assert services.record_attendance(session, [trainees[0].pk], by=caseworker) == 0
    trainees[0].refresh_from_db()
    assert trainees[0].attended == 1
    with pytest.raises(services.RuleViolation):
        services.add_session(course, held_on="2026-06-01", topic="课外", by=caseworker)


def test_a_pass_gives_the_certificate_on_the_record_and_the_phone(course, workers, caseworker):
    trainee = services.enrol(course, workers[0], by=caseworker)
    services.record_exam(
        trainee, result="passed", score_value="86.5", examined_on="2026-04-30",
        number="S410100260001", issuer="郑州市职业技能鉴定中心", by=caseworker,
    )  # fmt: skip
    certificate = Certificate.objects.get(worker=workers[0])
    assert (certificate.level, certificate.occupation, certificate.enrolment) == (
        "4",
        "电工",
        trainee,
    )
    assert certificate.issued_on == datetime.date(2026, 4, 30)
    client = Client()
    verified_login(client, caseworker)
    page = client.get(reverse("people:worker_detail", args=[workers[0].pk])).content.decode()
    assert 'data-testid="panel-skills-certificates"' in page and "S410100260001" in page
    with pytest.raises(services.RuleViolation) as again:
        services.record_exam(trainee, result="failed", by=caseworker)
    assert again.value.field == "result"


def test_a_failed_exam_gives_no_certificate(course, workers, caseworker):
    trainee = services.enrol(course, workers[1], by=caseworker)
    services.record_exam(trainee, result="failed", score_value=40, number="X1", by=caseworker)
    assert not Certificate.objects.exists()


def test_one_paper_is_recorded_once(workers, caseworker):
    fields = dict(org=zhengzhou(), kind="qualification", number="Q-1", issuer="河南省人社厅",
                  issued_on="2025-01-01", occupation="焊工", by=caseworker)  # fmt: skip
    services.record_certificate(workers[0], **fields)
    with pytest.raises(services.RuleViolation) as twice:
        services.record_certificate(workers[1], **fields)
    assert twice.value.field == "number"
    assert AuditEvent.objects.filter(action="skills.certificate_recorded").count() == 1


def test_a_worker_out_of_reach_gets_no_certificate(workers, make_staff):
    kaifeng = make_staff("410200", "caseworker")
    with pytest.raises(services.RuleViolation):
        services.record_certificate(
            workers[0], org=Org.objects.get(code="410200"), kind="other", number="K-1",
            issuer="开封", issued_on="2025-01-01", occupation="厨师", by=kaifeng,
        )  # fmt: skip


def test_pages_enrol_by_id_number_and_record_the_pass(course, workers, caseworker):
    from .conftest import number_of

    client = Client()
    verified_login(client, caseworker)
    url = reverse("skills:course", args=[course.pk])
    wrong = client.post(url, {"enrol-id_number": number_of(workers[0]), "enrol-name": "别人"})
    assert wrong.status_code == 200 and not Enrolment.objects.exists()
    done = client.post(url, {"enrol-id_number": number_of(workers[0]), "enrol-name": "张一"})
    assert done.status_code == 302
    trainee = Enrolment.objects.get()
    exam = client.post(reverse("skills:exam", args=[trainee.pk]), {
        "result": "passed", "score_value": "90", "examined_on": "2026-04-30", "kind": "skill_level",
        "number": "S-PAGE-1", "issuer": "郑州市职业技能鉴定中心",
    })  # fmt: skip
    assert exam.status_code == 302
    page = client.get(url).content.decode()
    assert "张一" in page and Enrolment.objects.get().result == "passed"
    assert Certificate.objects.get().number == "S-PAGE-1"
    listed = client.get(reverse("skills:certificates")).content.decode()
    assert "S-PAGE-1" in listed
