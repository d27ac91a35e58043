"""What the benefits app registers with the lower apps at start-up: the card-scan use, the
member's and the merchant's pages, the payable and the ledger's posting source, the to-do
tile of the reviewers and the names of the audit events. Each part has its own function."""

from __future__ import annotations


def _audit_names() -> None:
    from nuanjia.core import audit_names

    from .audit import EVENT_NAMES

    audit_names.register(EVENT_NAMES)


def _scanning() -> None:
    """The scan use "benefit" of the members' one scan service."""
    from nuanjia.members.services.scanning import register_use

    from .services.redemptions import benefit_use

    register_use(benefit_use())


def _pages() -> None:
    """The merchant's scan page on the partner home, the member's offers on "my things",
    the reviewers' to-do tile."""
    from django.utils.translation import gettext_lazy as _

    from nuanjia.core import mypages, partnerpages, todo
    from nuanjia.members.models import Partner

    from .todo import flags_todo
    from .views.member import offer_count

    todo.register(flags_todo)

    partnerpages.register(
        partnerpages.PartnerPage(
            _("Member benefits"), "benefits:merchant_scan", frozenset({Partner.Kind.MERCHANT}),
            order=5,
        )
    )  # fmt: skip
    partnerpages.register(
        partnerpages.PartnerPage(
            _("Monthly usage file"), "benefits:merchant_usage",
            frozenset({Partner.Kind.MERCHANT}), order=60,
        )
    )  # fmt: skip
    mypages.register(
        mypages.MyPage(
            _("My member benefits"), "benefits:my_benefits", order=25, needs_record=True,
            badge=offer_count,
        )
    )  # fmt: skip


def _statements() -> None:
    """Merchant statements: a payable kind of the payment batches, a posting source of the
    ledger (`nuanjia funds check`), the merchant's page, the to-do tiles."""
    from django.utils.translation import gettext_lazy as _

    from nuanjia.core import partnerpages, todo
    from nuanjia.funds import sources
    from nuanjia.members.models import Partner

    from . import statement_payable
    from .queries import paid_statement_ids, statement_labels
    from .services.statements import STATEMENT_SOURCE
    from .todo import statements_todo

    statement_payable.register()
    sources.register(
        sources.PostingSource(
            source_type=STATEMENT_SOURCE, label="merchant statement",
            paid_ids=paid_statement_ids, describe=statement_labels,
        )
    )  # fmt: skip
    todo.register(statements_todo)
    partnerpages.register(
        partnerpages.PartnerPage(
            _("Monthly statements"), "benefits:merchant_statements",
            kinds=frozenset({Partner.Kind.MERCHANT}), order=80,
        )
    )  # fmt: skip


def register_all() -> None:
    _audit_names()
    _scanning()
    _pages()
    _statements()
