"""Members' measures for the reports (core.measures): online applications to join the union
accepted (人, on the day decided, at the union joined), by the occupation given."""

from __future__ import annotations

from django.db.models import Count, QuerySet, Value
from django.utils.translation import gettext_lazy as _

from nuanjia.core import measures
from nuanjia.core.listexport import column
from nuanjia.people.models import OccupationTag

from .models import Join


def _occupation_name(code: str) -> str:
    if not code.isdigit():
        return code
    return OccupationTag.objects.filter(pk=int(code)).values_list("name", flat=True).first() or code


def _joined() -> QuerySet[Join]:
    return Join.objects.filter(status=Join.Status.ACCEPTED, decided_at__isnull=False).annotate(
        joined_on=measures.local_day("decided_at")
    )


MEASURES = (
    measures.declared(
        "members.joins", _("Members joined online"), measures.Unit.PERSONS,
        source=_joined, day="joined_on", instant="decided_at", value=Count("id"), fact_value=Value(1),
        dimensions=(("occupation_id", measures.Dimension(_("Occupation"), _occupation_name)),),
        related=("worker", "occupation"),
        changes=(
            measures.ChangeFeed(
                lambda: Join.objects.annotate(joined_on=measures.local_day("decided_at")),
                day="joined_on",
            ),
        ),
        columns=(
            column(_("Worker"), "worker.name"), column(_("Platform or employer"), "employer_name"),
            column(_("Union"), "org.name"), column(_("Joined on"), "joined_on"),
        ),
        order=110,
    ),
)  # fmt: skip
