"""What mutual aid registers with the lower apps at start-up: the payable kind of the payment
batches, the ledger's posting sources (`nuanjia funds check`), the member's page, the to-do
tile and the names of the audit events."""

from __future__ import annotations


def _money() -> None:
    from nuanjia.funds import sources

    from . import payable
    from .queries import paid_claim_ids, refunded_enrolment_ids
    from .rules import SOURCE_CLAIM, SOURCE_CONTRIBUTION, SOURCE_REFUND

    payable.register()
    sources.register(
        sources.PostingSource(
            source_type=SOURCE_CLAIM, label="mutual aid claim", paid_ids=paid_claim_ids
        )
    )
    sources.register(
        sources.PostingSource(
            source_type=SOURCE_REFUND, label="mutual aid refund", paid_ids=refunded_enrolment_ids
        )
    )
    sources.register(
        sources.PostingSource(
            source_type=SOURCE_CONTRIBUTION, label="mutual aid contribution", paid_ids=list
        )
    )


def _member_pages() -> None:
    from django.utils.translation import gettext_lazy as _

    from nuanjia.core import mypages

    mypages.register(
        mypages.MyPage(_("My mutual aid cover"), "mutualaid:my_cover", order=40, needs_record=True)
    )


def _todo_and_names() -> None:
    from nuanjia.core import audit_names, todo

    from .audit import EVENT_NAMES
    from .todo import claims_todo

    todo.register(claims_todo)
    audit_names.register(EVENT_NAMES)


def _jobs() -> None:
    from nuanjia.core import schedule

    from .tasks import JOBS

    schedule.register(*JOBS)


def register_all() -> None:
    _jobs()
    _money()
    _member_pages()
    _todo_and_names()
