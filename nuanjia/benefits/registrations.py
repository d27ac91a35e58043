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
    mypages.register(
        mypages.MyPage(
            _("My member benefits"), "benefits:my_benefits", order=25, needs_record=True,
            badge=offer_count,
        )
    )  # fmt: skip


def register_all() -> None:
    _audit_names()
    _scanning()
    _pages()
