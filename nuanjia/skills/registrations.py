"""What the skills app registers with the lower apps at start-up: the names of its audit
events, its measures, the to-do tiles, the payable kind and ledger source of its subsidy
settlements, the member's "我的证书" page and the certificates panel of a worker's record."""

from __future__ import annotations


def register_all() -> None:
    from django.urls import reverse
    from django.utils.translation import gettext as _
    from django.utils.translation import gettext_lazy

    from nuanjia.core import audit_names, measures, mypages, todo, workerpanels
    from nuanjia.funds import sources

    from . import settlement_payable
    from .audit import EVENT_NAMES
    from .measures import MEASURES
    from .models import Settlement
    from .panels import certificate_rows
    from .rules import SETTLEMENT_SOURCE, SettlementStatus
    from .todo import skills_todo

    audit_names.register(EVENT_NAMES)
    measures.register(*MEASURES)
    todo.register(skills_todo)
    settlement_payable.register()

    def paid_ids():  # each paid settlement must have exactly one spend (`nuanjia funds check`)
        paid = Settlement.objects.filter(status=SettlementStatus.PAID)
        return paid.values_list("pk", flat=True).iterator()

    def describe(ids: list[int]) -> dict[int, sources.SourceLabel]:
        found = Settlement.objects.filter(pk__in=ids).values_list("pk", flat=True)
        return {
            pk: sources.SourceLabel(
                _("Training subsidy %(number)s") % {"number": f"PX{pk:06d}"},
                reverse("skills:settlement", args=[pk]),
            )
            for pk in found
        }

    sources.register(sources.PostingSource(
        source_type=SETTLEMENT_SOURCE, label="training subsidy", paid_ids=paid_ids,
        describe=describe,
    ))  # fmt: skip
    mypages.register(
        mypages.MyPage(gettext_lazy("My certificates"), "skills:my_certificates", order=45,
                       needs_record=True)
    )  # fmt: skip
    workerpanels.register(
        workerpanels.WorkerPanel(
            key="skills-certificates", title=gettext_lazy("Skill certificates"),
            headers=(gettext_lazy("Kind"), gettext_lazy("Level"), gettext_lazy("Occupation or skill"),
                     gettext_lazy("Certificate number"), gettext_lazy("Issuer"), gettext_lazy("Issued on")),
            rows=certificate_rows, order=40,
        )
    )  # fmt: skip
