"""Firms: a registry employer gets a profile (kind, industry, county union, accounts) and
dated figures whose size class is computed by the national classification."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from nuanjia.core.actors import Actor
from nuanjia.core.audit import record_event
from nuanjia.core.codes import validate_credit_code
from nuanjia.core.crypto import encrypt
from nuanjia.core.errors import RuleViolation
from nuanjia.core.masking import mask_bank_account
from nuanjia.core.text import one_line
from nuanjia.orgs.models import Org
from nuanjia.orgs.permissions import staff_of
from nuanjia.people.models import Employer

from ..models import FirmFigures, FirmProfile
from ..rules import FirmKind, Industry, SizeClass
from ..sizing import size_class_of
from .common import CASEWORKERS, require_role


def county_of(region_code: str, union: Org | None = None) -> Org:
    """The county union of a region code (or of the workplace union's county)."""
    county = Org.objects.filter(kind=Org.Kind.COUNTY, region_code=region_code).first()
    if county is None and union is not None:
        county = (
            Org.objects.filter(kind=Org.Kind.COUNTY, path__in=_ancestor_paths(union.path))
            .order_by("-depth")
            .first()
        )
    if county is None:
        raise RuleViolation(
            _("No county union has the region code %(code)s.") % {"code": region_code},
            field="region_code",
        )
    return county


def _ancestor_paths(path: str) -> list[str]:
    parts = [part for part in path.split("/") if part]
    return ["/" + "/".join(parts[: n + 1]) + "/" for n in range(len(parts))]


def _account(number: str, field: str) -> tuple[str, str]:
    digits = "".join(number.split())
    if not digits:
        return "", ""
    if not digits.isdigit() or not 8 <= len(digits) <= 32:
        raise RuleViolation(_("A bank account is 8 to 32 digits."), field=field)
    return encrypt(digits), mask_bank_account(digits)


def _choice(value: str, choices: type[models.TextChoices], field: str) -> str:
    if value not in choices.values:
        raise RuleViolation(_("Choose one of the listed values."), field=field)
    return value


@transaction.atomic
def register_firm(
    *,
    name: str,
    credit_code: str,
    region_code: str,
    kind: str,
    industry: str,
    by: Actor,
    union: Org | None = None,
    account_name: str = "",
    account: str = "",
    bank_name: str = "",
    union_account_name: str = "",
    union_account: str = "",
    union_bank_name: str = "",
) -> FirmProfile:
    """Find (by credit code) or add the registry employer and give it a firm profile; a
    profile already there is updated. Refused outside the caller's subtree."""
    name = one_line(name, "name", 120, required_message=_("Enter the firm's name."))
    try:
        code = validate_credit_code(credit_code)
    except ValidationError as error:
        raise RuleViolation(error.messages[0], field="credit_code") from None
    county = county_of(region_code, union)
    require_role(by, county, CASEWORKERS)
    employer = Employer.objects.select_for_update().filter(credit_code=code).first()
    if employer is None:
        employer = Employer.objects.create(
            name=name, credit_code=code, region_code=region_code, union=union
        )
    elif union is not None and employer.union_id != union.pk:
        employer.union = union
        employer.save(update_fields=["union"])
    values = {
        "org": county,
        "kind": _choice(kind, FirmKind, "kind"),
        "industry": _choice(industry, Industry, "industry"),
        "account_name": one_line(account_name, "account_name", 100),
        "bank_name": one_line(bank_name, "bank_name", 60),
        "union_account_name": one_line(union_account_name, "union_account_name", 100),
        "union_bank_name": one_line(union_bank_name, "union_bank_name", 60),
    }
    if account:
        values["account_encrypted"], values["account_masked"] = _account(account, "account")
    if union_account:
        values["union_account_encrypted"], values["union_account_masked"] = _account(
            union_account, "union_account"
        )
    firm, created = FirmProfile.objects.update_or_create(employer=employer, defaults=values)
    record_event(
        firm,
        "enterprises.firm_registered" if created else "enterprises.firm_updated",
        by=by,
        org=county,
        changes={"credit_code": code, "kind": kind, "industry": industry, "name": name},
    )
    return firm


def _not_negative(value: int | None, field: str) -> None:
    if value is not None and value < 0:
        raise RuleViolation(_("A figure cannot be negative."), field=field)


@transaction.atomic
def record_figures(
    firm: FirmProfile,
    *,
    year: int,
    headcount: int,
    revenue_fen: int,
    assets_fen: int | None,
    by: Actor | None,
    effective_on: datetime.date | None = None,
    kind: str | None = None,
    industry: str | None = None,
) -> FirmFigures:
    """The firm's figures of `year` (they apply from 1 January of the next year unless told),
    classed by the thresholds in force on that day. Figures of the same day are replaced."""
    if by is not None:
        require_role(by, firm.org, CASEWORKERS)
    if not 1990 <= year <= 2100:
        raise RuleViolation(_("Enter the year of the figures, e.g. 2025."), field="year")
    for value, field in (
        (headcount, "headcount"),
        (revenue_fen, "revenue"),
        (assets_fen, "assets"),
    ):
        _not_negative(value, field)
    day = effective_on or datetime.date(year + 1, 1, 1)
    kind = _choice(kind or firm.kind, FirmKind, "kind")
    industry = _choice(industry or firm.industry, Industry, "industry")
    size = size_class_of(industry, day, headcount, revenue_fen, assets_fen)
    figures, _created = FirmFigures.objects.update_or_create(
        firm=firm,
        effective_on=day,
        defaults={
            "year": year, "kind": kind, "industry": industry, "headcount": headcount,
            "revenue_fen": revenue_fen, "assets_fen": assets_fen, "size_class": size,
            "recorded_by": staff_of(by) if by is not None else None,
        },
    )  # fmt: skip
    if kind != firm.kind or industry != firm.industry:
        firm.kind, firm.industry = kind, industry
        firm.save(update_fields=["kind", "industry", "updated_at"])
    record_event(
        firm,
        "enterprises.figures_recorded",
        by=by,
        org=firm.org,
        changes={
            "year": year, "effective_on": day.isoformat(), "headcount": headcount,
            "revenue_fen": revenue_fen, "assets_fen": assets_fen, "size_class": size,
        },
    )  # fmt: skip
    return figures


def figures_on(firm: FirmProfile, day: datetime.date) -> FirmFigures | None:
    return firm.figures.filter(effective_on__lte=day).order_by("-effective_on").first()


def size_class_on(firm: FirmProfile, day: datetime.date) -> str:
    """The class of the firm's latest figures in force on `day` (unknown without any)."""
    figures = figures_on(firm, day)
    return figures.size_class if figures is not None else SizeClass.UNKNOWN
