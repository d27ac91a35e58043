"""Training providers and courses (培训课程), the workers enrolled on them (one by one; the
Excel register in `imports_enrolment`), sessions with attendance, and exam results — a pass
gives the worker the course's certificate (`certificates.record_certificate`)."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from nuanjia.core import clock
from nuanjia.core.actors import Actor
from nuanjia.core.audit import record_event
from nuanjia.core.crypto import encrypt
from nuanjia.core.errors import RuleViolation
from nuanjia.core.masking import mask_bank_account
from nuanjia.core.money import check_fen
from nuanjia.core.text import one_line
from nuanjia.funds.models import Earmark
from nuanjia.members.models import Partner
from nuanjia.orgs.models import Org
from nuanjia.orgs.permissions import staff_of
from nuanjia.people.models import Worker
from nuanjia.people.services import parse_bank_account

from ..models import Attendance, Certificate, Course, CourseSession, Enrolment, Provider
from ..rules import MAX_SUBSIDY_FEN, ExamResult, Level
from .certificates import record_certificate
from .common import day, require_manager, require_worker_of, score, whole


@transaction.atomic
def add_provider(
    org: Org, *, name: str, by: Actor, payee_name: str = "", bank_name: str = "",
    bank_account: str = "", partner: Partner | None = None,
) -> Provider:  # fmt: skip
    """A training provider of the union, with the account its subsidies are paid to
    (encrypted, shown masked)."""
    require_manager(by, org)
    clean = one_line(name, "name", 100, required_message=_("Enter the name."))
    if Provider.objects.filter(org=org, name=clean).exists():
        raise RuleViolation(_("This union already has a provider of this name."), field="name")
    if partner is not None and not org.path.startswith(partner.org.path):
        raise RuleViolation(_("This partner is of another union."), field="partner")
    provider = Provider(
        org=org, name=clean, partner=partner, created_by=staff_of(by),
        payee_name=one_line(payee_name, "payee_name", 100) or clean,
        bank_name=one_line(bank_name, "bank_name", 100),
    )  # fmt: skip
    account = parse_bank_account(bank_account or "")
    if account:
        provider.account_encrypted = encrypt(account)
        provider.account_masked = mask_bank_account(account)
    provider.save()
    record_event(provider, "skills.provider_added", by=by, changes={
        "name": clean, "payee": provider.payee_name, "account": provider.account_masked,
    })  # fmt: skip
    return provider


@transaction.atomic
def create_course(
    org: Org, *, provider: Provider, name: str, occupation: str, starts_on: Any, ends_on: Any,
    places: Any, subsidy_fen: int, earmark: Earmark, by: Actor, level: str = "", place: str = "",
    min_attendance_pct: Any = 0,
) -> Course:  # fmt: skip
    require_manager(by, org)
    if not org.path.startswith(provider.org.path) and provider.org_id != org.pk:
        raise RuleViolation(_("This provider is of another union."), field="provider")
    if level not in Level.values:
        raise RuleViolation(_("Choose a level."), field="level")
    first, last = day(starts_on, "starts_on"), day(ends_on, "ends_on")
    assert first is not None and last is not None
    if last < first:
        raise RuleViolation(_("The end must come after the start."), field="ends_on")
    subsidy = check_fen(subsidy_fen, field="subsidy_fen", label=_("Subsidy per trainee"))
    if subsidy > MAX_SUBSIDY_FEN:
        raise RuleViolation(_("The subsidy per trainee is too large."), field="subsidy_fen")
    course = Course.objects.create(
        org=org, provider=provider, earmark=earmark, level=level, starts_on=first, ends_on=last,
        name=one_line(name, "name", 100, required_message=_("Enter the course's name.")),
        occupation=one_line(occupation, "occupation", 50, required_message=_("Enter the occupation or skill taught.")),
        place=one_line(place, "place", 100), places=whole(places, "places", 1, 10_000),
        subsidy_fen=subsidy, min_attendance_pct=whole(min_attendance_pct, "min_attendance_pct", 0, 100),
        created_by=staff_of(by),
    )  # fmt: skip
    record_event(course, "skills.course_created", by=by, changes={
        "name": course.name, "provider": provider.pk, "occupation": course.occupation,
        "starts_on": str(first), "ends_on": str(last), "places": course.places,
        "subsidy_fen": subsidy, "earmark": earmark.code,
    })  # fmt: skip
    return course


def _locked(course: Course) -> Course:
    return Course.objects.select_for_update(of=("self",)).select_related("org").get(pk=course.pk)


@transaction.atomic
def enrol(course: Course, worker: Worker, *, by: Actor) -> Enrolment:
    """A registry worker of the course's union (kept or a member there) on the course, within
    its places; once per course. The course row is locked while its places are counted."""
    course = _locked(course)
    require_manager(by, course.org)
    require_worker_of(course.org, worker)
    if Enrolment.objects.filter(course=course, worker=worker).exists():
        raise RuleViolation(_("This worker is on the course already."), field="worker")
    if Enrolment.objects.filter(course=course).count() >= course.places:
        raise RuleViolation(_("The course is full."), field="worker", code="full")
    try:
        with transaction.atomic():
            row = Enrolment.objects.create(
                course=course, org=course.org, worker=worker, created_by=staff_of(by)
            )
    except IntegrityError:
        raise RuleViolation(_("This worker is on the course already."), field="worker") from None
    record_event(row, "skills.enrolled", by=by, org=course.org,
                 changes={"course": course.pk, "worker": worker.pk})  # fmt: skip
    return row


@transaction.atomic
def add_session(course: Course, *, held_on: Any, topic: str, by: Actor) -> CourseSession:
    require_manager(by, course.org)
    when = day(held_on, "held_on")
    assert when is not None
    if not course.starts_on <= when <= course.ends_on:
        raise RuleViolation(_("The day is outside the course's dates."), field="held_on")
    session = CourseSession.objects.create(
        course=course, held_on=when,
        topic=one_line(topic, "topic", 100, required_message=_("Enter the topic.")),
    )  # fmt: skip
    record_event(course, "skills.session_added", by=by,
                 changes={"session": session.pk, "held_on": str(when), "topic": session.topic})  # fmt: skip
    return session


@transaction.atomic
def record_attendance(session: CourseSession, enrolment_ids: list[int], *, by: Actor) -> int:
    """Mark the trainees present at a session (those already marked stay); the count of
    sessions each attended is kept on the trainee. Returns how many were newly marked."""
    course = _locked(session.course)
    require_manager(by, course.org)
    wanted = set(
        Enrolment.objects.filter(course=course, pk__in=enrolment_ids).values_list("pk", flat=True)
    )
    if len(wanted) != len(set(enrolment_ids)):
        raise RuleViolation(_("A trainee is not on this course."), field="enrolments")
    done = set(
        Attendance.objects.filter(session=session, enrolment_id__in=wanted).values_list(
            "enrolment_id", flat=True
        )
    )
    new = sorted(wanted - done)
    Attendance.objects.bulk_create(Attendance(session=session, enrolment_id=pk) for pk in new)
    Enrolment.objects.filter(pk__in=new).update(attended=F("attended") + 1)
    record_event(course, "skills.attendance_recorded", by=by,
                 changes={"session": session.pk, "marked": len(new)})  # fmt: skip
    return len(new)


@transaction.atomic
def record_exam(
    enrolment: Enrolment, *, result: str, by: Actor, score_value: Any = None,
    examined_on: Any = None, number: str = "", issuer: str = "", kind: str = "",
) -> Enrolment:  # fmt: skip
    """The trainee's exam (考核): passed or failed, with a score. A pass with a certificate
    number records the course's certificate for the worker (kind, the course's level and
    occupation, the issuer) in the same transaction; the result is final once recorded."""
    enrolment = (
        Enrolment.objects.select_for_update(of=("self", "course"))
        .select_related("course", "worker")
        .get(pk=enrolment.pk)
    )
    course = enrolment.course
    require_manager(by, course.org)
    if result not in ExamResult.values:
        raise RuleViolation(_("Choose passed or failed."), field="result")
    if enrolment.result:
        raise RuleViolation(_("The exam result is recorded already."), field="result")
    when = day(examined_on, "examined_on", required=False) or clock.today()
    enrolment.result = result
    enrolment.score = score(score_value)
    enrolment.examined_on = when
    enrolment.save(update_fields=["result", "score", "examined_on", "updated_at"])
    record_event(enrolment, "skills.exam_recorded", by=by, org=course.org, changes={
        "course": course.pk, "worker": enrolment.worker_id, "result": result,
        "score": str(enrolment.score) if enrolment.score is not None else None,
    })  # fmt: skip
    if result == ExamResult.PASSED and (number or "").strip():
        record_certificate(
            enrolment.worker, org=course.org, kind=kind or "skill_level", level=course.level,
            occupation=course.occupation, number=number, issuer=issuer or course.provider.name,
            issued_on=when, by=by, enrolment=enrolment,
        )  # fmt: skip
    return enrolment


def certificate_of(enrolment: Enrolment) -> Certificate | None:
    return Certificate.objects.filter(enrolment=enrolment).first()
