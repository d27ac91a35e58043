"""What the enterprises app registers with the lower apps at start-up: the rent refund as a
payable kind and a ledger posting source, the to-do tiles, the names of its audit events."""

from __future__ import annotations


def _relief() -> None:
    from django.utils.translation import gettext_lazy as _

    from nuanjia.core import audit_names, todo
    from nuanjia.funds import sources

    from . import refund_payable
    from .queries import paid_refund_ids, refund_labels
    from .services.relief import RENT_REFUND_SOURCE
    from .todo import relief_todo

    refund_payable.register()
    sources.register(
        sources.PostingSource(
            source_type=RENT_REFUND_SOURCE,
            label="rent refund",
            paid_ids=paid_refund_ids,
            describe=refund_labels,
        )
    )
    todo.register(relief_todo)
    audit_names.register(
        {
            "enterprises.firm_registered": _("Firm registered"),
            "enterprises.firm_updated": _("Firm updated"),
            "enterprises.figures_recorded": _("Firm's figures recorded and size classed"),
            "enterprises.firms_imported": _("Firms imported"),
            "enterprises.property_added": _("Union property added"),
            "enterprises.unit_added": _("Unit added to a union property"),
            "enterprises.lease_created": _("Lease created with its rent schedule"),
            "enterprises.rent_paid": _("Rent recorded as paid"),
            "enterprises.policy_created": _("Rent-relief policy created"),
            "enterprises.rent_relief.propose": _("Rent relief proposed"),
            "enterprises.reliefs_staged": _("Rent relief applied to many leases at once"),
            "enterprises.rent_relief.approve": _("Rent relief approved"),
            "enterprises.rent_relief.cancel": _("Rent relief cancelled"),
        }
    )


def _rebates() -> None:
    from django.utils.translation import gettext_lazy as _

    from nuanjia.core import audit_names
    from nuanjia.funds import sources

    from . import rebate_payable
    from .models import Rebate
    from .rules import RebateStatus
    from .services.rebates import REBATE_SOURCE

    rebate_payable.register()
    sources.register(
        sources.PostingSource(
            source_type=REBATE_SOURCE,
            label="fee rebate",
            paid_ids=lambda: Rebate.objects.filter(status=RebateStatus.PAID).values_list(
                "pk", flat=True
            ),
        )
    )
    audit_names.register(
        {
            "enterprises.collections_imported": _("Union fees collected imported"),
            "enterprises.rebate_policy_created": _("Fee rebate policy created"),
            "enterprises.rebate_batch.stage": _("Fee rebates staged"),
            "enterprises.rebate_batch.approve": _("Fee rebates approved, amounts reserved"),
            "enterprises.rebate_batch.cancel": _("Staged fee rebates cancelled"),
        }
    )


def _helps() -> None:
    from django.utils.translation import gettext_lazy as _

    from nuanjia.core import audit_names
    from nuanjia.funds import sources

    from .models import FirmHelp
    from .rules import HelpStatus
    from .services.helps import HELP_SOURCE

    sources.register(
        sources.PostingSource(
            source_type=HELP_SOURCE,
            label="help for a firm",
            paid_ids=lambda: FirmHelp.objects.filter(status=HelpStatus.PAID).values_list(
                "pk", flat=True
            ),
        )
    )
    audit_names.register(
        {
            "enterprises.help.propose": _("Help for a firm proposed"),
            "enterprises.help.approve": _("Help for a firm approved and paid"),
            "enterprises.help.cancel": _("Help for a firm cancelled"),
            "enterprises.checkup_recorded": _("Legal check-up recorded"),
            "enterprises.finding_closed": _("Check-up finding closed"),
            "enterprises.visit_recorded": _("Visit to a firm recorded"),
            "enterprises.task_added": _("Follow-up task added to a visit"),
            "enterprises.task_done": _("Follow-up task of a visit done"),
        }
    )


def register_all() -> None:
    _relief()
    _rebates()
    _helps()
