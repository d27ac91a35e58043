"""Reads of the skills app, every one scoped to the viewer's subtree (orgs.queries), and the
lists that page by keyset (core.lists)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy

from nuanjia.core.actors import Actor
from nuanjia.core.lists import ListSpec, Sort
from nuanjia.orgs.queries import get_scoped_or_404, scope

from .models import (
    Academy,
    Certificate,
    Contest,
    Course,
    CourseSession,
    Enrolment,
    Entrant,
    Provider,
    Settlement,
)

COURSE_LIST = ListSpec(
    "skills.courses",
    {
        "newest": Sort(("-starts_on",), gettext_lazy("Newest first")),
        "oldest": Sort(("starts_on",), gettext_lazy("Oldest first")),
    },
)
CERTIFICATE_LIST = ListSpec(
    "skills.certificates",
    {
        "newest": Sort(("-issued_on",), gettext_lazy("Newest first")),
        "oldest": Sort(("issued_on",), gettext_lazy("Oldest first")),
    },
)
ENROLMENT_LIST = ListSpec(
    "skills.enrolments", {"order": Sort(("id",), gettext_lazy("Oldest first"))}
)


def visible_providers(user: Actor) -> QuerySet[Provider]:
    return scope(Provider.objects.select_related("org", "partner"), user)


def get_provider_for(user: Actor, pk: Any, *, write: bool = False) -> Provider:
    return get_scoped_or_404(visible_providers(user), user, write=write, pk=pk)


def visible_courses(user: Actor) -> QuerySet[Course]:
    return scope(Course.objects.select_related("org", "provider", "earmark"), user)


def get_course_for(user: Actor, pk: Any, *, write: bool = False) -> Course:
    return get_scoped_or_404(visible_courses(user), user, write=write, pk=pk)


def visible_enrolments(user: Actor) -> QuerySet[Enrolment]:
    return scope(Enrolment.objects.select_related("course", "worker", "certificate"), user)


def get_enrolment_for(user: Actor, pk: Any, *, write: bool = False) -> Enrolment:
    return get_scoped_or_404(visible_enrolments(user), user, write=write, pk=pk)


def visible_certificates(user: Actor) -> QuerySet[Certificate]:
    return scope(Certificate.objects.select_related("worker", "org"), user)


def get_certificate_for(user: Actor, pk: Any, *, write: bool = False) -> Certificate:
    return get_scoped_or_404(visible_certificates(user), user, write=write, pk=pk)


def visible_settlements(user: Actor) -> QuerySet[Settlement]:
    rows = Settlement.objects.select_related(
        "course", "org", "earmark", "provider", "prepared_by", "approved_by", "batch"
    )
    return scope(rows, user)


def get_settlement_for(user: Actor, pk: Any, *, write: bool = False) -> Settlement:
    return get_scoped_or_404(visible_settlements(user), user, write=write, pk=pk)


def visible_contests(user: Actor) -> QuerySet[Contest]:
    return scope(Contest.objects.select_related("org"), user)


def get_contest_for(user: Actor, pk: Any, *, write: bool = False) -> Contest:
    return get_scoped_or_404(visible_contests(user), user, write=write, pk=pk)


def visible_entrants(user: Actor) -> QuerySet[Entrant]:
    return scope(Entrant.objects.select_related("contest", "worker"), user)


def get_entrant_for(user: Actor, pk: Any, *, write: bool = False) -> Entrant:
    return get_scoped_or_404(visible_entrants(user), user, write=write, pk=pk)


def visible_academies(user: Actor) -> QuerySet[Academy]:
    return scope(Academy.objects.select_related("org"), user)


def get_academy_for(user: Actor, pk: Any, *, write: bool = False) -> Academy:
    return get_scoped_or_404(visible_academies(user), user, write=write, pk=pk)


def certificates_of(worker: Any) -> QuerySet[Certificate]:
    """A worker's certificates (their record page and their phone): the worker is already
    in reach; whoever recorded the paper, it is theirs."""
    return Certificate.objects.filter(worker_id=worker.pk).order_by("-issued_on", "-pk")


def get_session_for(user: Actor, pk: Any, *, write: bool = False) -> CourseSession:
    rows = scope(CourseSession.objects.select_related("course__org", "course__provider"), user,
                 org_field="course__org")  # fmt: skip
    return get_scoped_or_404(rows, user, write=write, pk=pk)
