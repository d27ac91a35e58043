"""Merchants' terms and their offers, kept by the caseworkers and approvers of the paying
union (or a union above). An offer is data: what the member pays, the union's subsidy per
use, the limits per member per day / week / month / year, a budget of uses per period, the
dates, the member group (a people.eligibility rule) and the union subtree it serves."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from nuanjia.core import cache
from nuanjia.core.actors import Actor
from nuanjia.core.audit import record_event
from nuanjia.core.crypto import encrypt
from nuanjia.core.errors import RuleViolation
from nuanjia.core.masking import mask_bank_account
from nuanjia.core.money import check_fen
from nuanjia.core.text import one_line
from nuanjia.members.models import Outlet, Partner
from nuanjia.orgs.models import Org
from nuanjia.orgs.permissions import acts_for, staff_of
from nuanjia.orgs.rules import Role
from nuanjia.people.services import parse_bank_account

from ..audit import OFFER_SAVED, TERMS_SAVED
from ..models import MerchantTerms, Offer, OutletPlace
from ..rules import MEMBER_PERIODS, Period
from . import counters

MANAGER_ROLES = frozenset({Role.CASEWORKER, Role.APPROVER})
LIMIT_FIELDS = {Period.DAY: "per_day", Period.WEEK: "per_week", Period.MONTH: "per_month",
                Period.YEAR: "per_year"}  # fmt: skip


def require_manager(by: Actor | None, org: Org) -> None:
    if not acts_for(by, org, MANAGER_ROLES):
        raise RuleViolation(
            _("Only a caseworker or approver of this union or a union above may do this."),
            field="org",
            code="forbidden",
        )


def describe_rule(rule: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """The member group as people read it, and the rule in its canonical form ({}: all
    members); a bad rule is refused naming its part."""
    if not rule:
        return str(_("All members")), {}
    from nuanjia.people import eligibility

    parsed = eligibility.parse_rule(rule)
    return eligibility.describe_rule(parsed)[:300], eligibility.rule_data(parsed)


@transaction.atomic
def save_terms(
    partner: Partner, *, org: Org, earmark: Any, starts_on: datetime.date,
    ends_on: datetime.date, payee_name: str, bank_name: str, bank_account: str = "",
    city: str = "", can_scan: bool = True, by: Actor,
) -> MerchantTerms:  # fmt: skip
    """The merchant's terms, new or changed (a blank account keeps the one on file)."""
    require_manager(by, org)
    if partner.kind != Partner.Kind.MERCHANT:
        raise RuleViolation(_("Only a merchant partner can give member offers."), field="partner")
    if not partner.org.path.startswith(org.path) and not org.path.startswith(partner.org.path):
        raise RuleViolation(_("This merchant is not registered in your area."), field="partner")
    if ends_on < starts_on:
        raise RuleViolation(_("The last day is before the first."), field="ends_on")
    terms = MerchantTerms.objects.filter(partner=partner).first() or MerchantTerms(
        partner=partner, created_by=staff_of(by)
    )
    account = parse_bank_account(bank_account) if bank_account else ""
    if not account and not terms.account_encrypted:
        raise RuleViolation(_("Enter the account the merchant is paid to."), field="bank_account")
    if account:
        terms.account_encrypted, terms.account_masked = encrypt(account), mask_bank_account(account)
    terms.org, terms.earmark, terms.starts_on, terms.ends_on = org, earmark, starts_on, ends_on
    terms.payee_name = one_line(payee_name, "payee_name", 100,
                                required_message=_("Enter the account holder."))  # fmt: skip
    terms.bank_name = one_line(bank_name, "bank_name", 60, required_message=_("Enter the bank."))
    terms.city, terms.can_scan = one_line(city, "city", 30), can_scan
    terms.save()
    record_event(terms, TERMS_SAVED, by=by, org=org,
                 changes={"partner": partner.name, "earmark": earmark.code,
                          "from": starts_on.isoformat(), "until": ends_on.isoformat(),
                          "account": terms.account_masked})  # fmt: skip
    return terms


def _fen(value: Any, field: str) -> int:
    """An amount in fen, 0 allowed (a free offer, no subsidy)."""
    if value == 0 and not isinstance(value, bool):
        return 0
    return check_fen(value, field=field)


def _limit(value: Any, field: str) -> int | None:
    if value in (None, ""):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise RuleViolation(_("Enter a whole number of uses."), field=field) from None
    if number < 1 or number > 100_000:
        raise RuleViolation(_("Enter a number of uses from 1 to 100000."), field=field)
    return number


@transaction.atomic
def save_offer(
    terms: MerchantTerms, *, name: str, member_price_fen: Any, subsidy_fen: Any,
    starts_on: datetime.date, ends_on: datetime.date, org: Org | None = None,
    limits: dict[str, Any] | None = None, budget_uses: Any = None,
    budget_period: str = Period.MONTH, rule: dict[str, Any] | None = None,
    is_active: bool = True, offer: Offer | None = None, by: Actor,
) -> Offer:  # fmt: skip
    """A new offer of the merchant, or `offer` changed. Counters already taken stay."""
    require_manager(by, terms.org)
    org = org or terms.org
    if not org.path.startswith(terms.org.path):
        raise RuleViolation(_("Choose the paying union or a union below it."), field="org")
    if ends_on < starts_on:
        raise RuleViolation(_("The last day is before the first."), field="ends_on")
    if budget_period not in Period.values:
        raise RuleViolation(_("Choose the budget's period."), field="budget_period")
    text, rule = describe_rule(rule or {})
    offer_given = offer is not None
    offer = offer or Offer(partner_id=terms.partner_id, terms=terms, created_by=staff_of(by))
    offer.org, offer.starts_on, offer.ends_on, offer.is_active = org, starts_on, ends_on, is_active
    offer.name = one_line(name, "name", 60, required_message=_("Name the offer."))
    offer.member_price_fen = _fen(member_price_fen, "member_price_fen")
    offer.subsidy_fen = _fen(subsidy_fen, "subsidy_fen")
    for period in MEMBER_PERIODS:
        field = LIMIT_FIELDS[period]
        setattr(offer, field, _limit((limits or {}).get(str(period)), field))
    offer.budget_uses = _limit(budget_uses, "budget_uses")
    offer.budget_period, offer.rule, offer.rule_text = budget_period, rule, text
    if Offer.objects.filter(partner_id=terms.partner_id, name=offer.name).exclude(pk=offer.pk):
        raise RuleViolation(_("The merchant already has an offer of this name."), field="name")
    budget_changed = (
        offer_given
        and Offer.objects.filter(pk=offer.pk).exclude(budget_uses=offer.budget_uses).exists()
    )
    offer.save()
    if budget_changed:
        counters.rebalance_budget(offer)
    if offer_given:  # the fast confirm compiled its member group per offer (core.cache)
        cache.bump(Offer)
    record_event(offer, OFFER_SAVED, by=by, org=terms.org,
                 changes={"name": offer.name, "member_price_fen": offer.member_price_fen,
                          "subsidy_fen": offer.subsidy_fen, "limits": offer.limits(),
                          "budget_uses": offer.budget_uses, "budget_period": budget_period,
                          "rule": text, "active": is_active})  # fmt: skip
    return offer


@transaction.atomic
def place_outlet(outlet: Outlet, *, latitude: Any, longitude: Any, by: Actor) -> OutletPlace:
    """Where an outlet is, for the far-apart check."""
    require_manager(by, outlet.partner.org)
    try:
        lat, lon = float(latitude), float(longitude)
    except (TypeError, ValueError):
        raise RuleViolation(_("Enter the latitude and longitude in degrees."),
                            field="latitude") from None  # fmt: skip
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise RuleViolation(_("Enter the latitude and longitude in degrees."), field="latitude")
    place, _created = OutletPlace.objects.update_or_create(
        outlet=outlet, defaults={"latitude": round(lat, 6), "longitude": round(lon, 6)}
    )
    return place
