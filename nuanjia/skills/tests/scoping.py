"""Out-of-scope skills rows for the scoping walker (tests/test_scoping.py `other_county`): a
开封 provider and course with a trainee, a session, a certificate, a prepared settlement, a
contest with an entrant, an academy with a teacher and a base — every text carrying the
marker."""

import datetime

from nuanjia.funds.models import Earmark
from nuanjia.people.models import Worker
from nuanjia.skills.models import (
    Academy,
    Base,
    Certificate,
    Contest,
    Course,
    CourseSession,
    Enrolment,
    Entrant,
    Provider,
    Settlement,
    Teacher,
)


def skills_rows(union, marker: str) -> dict[str, int]:
    worker = Worker.objects.create(org=union, name=marker[:50], region_code=union.region_code,
                                   id_number_masked="4102**********000X")  # fmt: skip
    provider = Provider.objects.create(org=union, name=marker, payee_name=marker,
                                       account_encrypted="x", account_masked=marker[:40])  # fmt: skip
    day = datetime.date(2026, 1, 10)
    course = Course.objects.create(
        org=union, provider=provider, name=marker, occupation=marker[:50], starts_on=day,
        ends_on=day, place=marker, places=10, subsidy_fen=100,
        earmark=Earmark.objects.get(code="skills-training"),
    )  # fmt: skip
    trainee = Enrolment.objects.create(course=course, org=union, worker=worker, result="passed")
    session = CourseSession.objects.create(course=course, held_on=day, topic=marker)
    Certificate.objects.create(
        worker=worker, org=union, kind="other", occupation=marker[:50], number=marker[:50],
        issuer=marker, issued_on=day, enrolment=trainee,
    )  # fmt: skip
    settlement = Settlement.objects.create(
        course=course, org=union, earmark=course.earmark, provider=provider, trainees=1,
        subsidy_fen=100, amount_fen=100, note=marker,
    )  # fmt: skip
    contest = Contest.objects.create(org=union, name=marker, trade=marker[:50], held_on=day)
    entrant = Entrant.objects.create(contest=contest, org=union, worker=worker, prize=marker[:50])
    academy = Academy.objects.create(org=union, name=marker, place=marker)
    Teacher.objects.create(academy=academy, name=marker[:50], trade=marker[:50])
    Base.objects.create(academy=academy, name=marker, place=marker)
    return {
        "sk_course_id": course.pk, "sk_session_id": session.pk, "sk_enrolment_id": trainee.pk,
        "sk_settlement_id": settlement.pk, "sk_contest_id": contest.pk,
        "sk_entrant_id": entrant.pk, "sk_academy_id": academy.pk,
    }  # fmt: skip
