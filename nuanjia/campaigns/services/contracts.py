"""Partners' contracts for partner activities (合作协议): a hospital, shop or travel partner
signed by a union to serve one activity at a price, paid from one of the campaign's earmarks
to the account on the contract. Each change is audited; the account is kept encrypted."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from nuanjia.core.actors import Actor
from nuanjia.core.audit import record_event
from nuanjia.core.crypto import encrypt
from nuanjia.core.errors import RuleViolation
from nuanjia.core.masking import mask_bank_account
from nuanjia.core.money import check_fen
from nuanjia.core.text import one_line
from nuanjia.members.models import Partner
from nuanjia.orgs.models import Org
from nuanjia.orgs.permissions import staff_of
from nuanjia.people.services import parse_bank_account

from ..models import Activity, PartnerContract
from ..rules import ActivityKind
from .common import require_planner, require_taking_part

# Which kind of partner serves which kind of activity.
PARTNER_KIND_FOR = {
    ActivityKind.HEALTH_CHECK: Partner.Kind.HOSPITAL,
    ActivityKind.BREAKFAST: Partner.Kind.SHOP,
    ActivityKind.TRIP: Partner.Kind.TRAVEL,
}


def _check_partner(activity: Activity, partner: Partner, org: Org) -> None:
    wanted = PARTNER_KIND_FOR.get(ActivityKind(activity.kind))
    if wanted is None:
        raise RuleViolation(_("This activity is not run with partners."), field="activity")
    if partner.kind != wanted:
        raise RuleViolation(
            _("This activity needs a partner of the kind “%(kind)s”.")
            % {"kind": Partner.Kind(wanted).label},
            field="partner",
        )
    if not partner.is_active:
        raise RuleViolation(_("This partner is stopped."), field="partner")
    if not org.path.startswith(partner.org.path) and not partner.org.path.startswith(org.path):
        raise RuleViolation(
            _("The partner is registered by a union outside this union's line."), field="partner"
        )


def _check_earmark(activity: Activity, earmark: Any) -> None:
    if earmark is None or not activity.campaign.earmarks.filter(pk=earmark.pk).exists():
        raise RuleViolation(_("Choose one of the campaign's earmarks."), field="earmark")


def _check_period(starts_on: datetime.date, ends_on: datetime.date) -> None:
    if ends_on < starts_on:
        raise RuleViolation(_("The end date is before the start date."), field="ends_on")


def _capacity(value: object) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise RuleViolation(_("Enter a whole number of checks above 0."), field="capacity_per_day")
    return value


@transaction.atomic
def sign_contract(
    activity: Activity,
    partner: Partner,
    *,
    org: Org,
    earmark: Any,
    price_fen: int,
    starts_on: datetime.date,
    ends_on: datetime.date,
    payee_name: str,
    bank_name: str,
    bank_account: str,
    capacity_per_day: int | None = None,
    by: Actor,
) -> PartnerContract:
    """Record a partner's contract for `activity`, signed and paid by `org`."""
    require_planner(by, org)
    require_taking_part(activity, org)
    _check_partner(activity, partner, org)
    _check_earmark(activity, earmark)
    _check_period(starts_on, ends_on)
    price = check_fen(price_fen, field="price_fen")
    account = parse_bank_account(bank_account)
    if not account:
        raise RuleViolation(_("Enter the account the partner is paid to."), field="bank_account")
    if PartnerContract.objects.filter(activity=activity, partner=partner).exists():
        raise RuleViolation(
            _("This partner already has a contract for this activity."), field="partner"
        )
    contract = PartnerContract.objects.create(
        activity=activity,
        partner=partner,
        org=org,
        earmark=earmark,
        price_fen=price,
        capacity_per_day=_capacity(capacity_per_day),
        starts_on=starts_on,
        ends_on=ends_on,
        payee_name=one_line(
            payee_name, "payee_name", 100, required_message=_("Enter the account holder.")
        ),
        bank_name=one_line(bank_name, "bank_name", 60, required_message=_("Enter the bank.")),
        account_encrypted=encrypt(account),
        account_masked=mask_bank_account(account),
        created_by=staff_of(by),
    )
    record_event(
        contract,
        "campaigns.contract_signed",
        by=by,
        org=org,
        changes={
            "activity": activity.pk,
            "partner": partner.name,
            "price_fen": price,
            "earmark": earmark.code,
            "from": starts_on.isoformat(),
            "until": ends_on.isoformat(),
            "account": contract.account_masked,
            "capacity_per_day": contract.capacity_per_day,
        },
    )
    return contract


@transaction.atomic
def end_contract(contract: PartnerContract, *, by: Actor, reason: str = "") -> PartnerContract:
    """Stop a contract: no more bookings, scans or trips under it; what was done is still
    settled."""
    require_planner(by, contract.org)
    contract = PartnerContract.objects.select_for_update().get(pk=contract.pk)
    if not contract.is_active:
        raise RuleViolation(_("This contract has already ended."), field="contract")
    contract.is_active = False
    contract.save(update_fields=["is_active", "updated_at"])
    record_event(
        contract,
        "campaigns.contract_ended",
        by=by,
        org=contract.org,
        changes={"reason": one_line(reason, "reason", 200)},
    )
    return contract


def live_contract(activity: Activity, partner: Partner, on: datetime.date) -> PartnerContract:
    """The partner's active contract for `activity` covering day `on`, or RuleViolation."""
    contract = PartnerContract.objects.filter(
        activity=activity, partner=partner, is_active=True, starts_on__lte=on, ends_on__gte=on
    ).first()
    if contract is None:
        raise RuleViolation(
            _("%(partner)s has no contract for this activity on %(day)s.")
            % {"partner": partner.name, "day": on.isoformat()},
            field="partner",
            code="no_contract",
        )
    return contract
