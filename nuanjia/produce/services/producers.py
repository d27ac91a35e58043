"""Producers, their products and the dated list of 脱贫县: registered and changed by a
caseworker or approver of the registering union, each change audited. The contact's phone is
sealed and the payee's account encrypted, like every other app's."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from nuanjia.core import clock
from nuanjia.core.actors import Actor
from nuanjia.core.audit import record_event
from nuanjia.core.crypto import encrypt
from nuanjia.core.errors import RuleViolation
from nuanjia.core.masking import mask_bank_account
from nuanjia.core.money import check_fen
from nuanjia.core.phones import validate_phone
from nuanjia.core.text import one_line
from nuanjia.orgs.models import Org
from nuanjia.orgs.permissions import staff_of
from nuanjia.people.services import parse_bank_account

from ..models import PovertyCounty, Producer, Product
from ..rules import FIXED_GRAMS, ProducerKind, Unit
from .common import check_county, require_role


def poverty_counties_on(day: datetime.date | None = None) -> set[str]:
    """The county codes on the 脱贫县 list in force on `day` (today)."""
    day = day or clock.today()
    rows = PovertyCounty.objects.filter(valid_from__lte=day).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gt=day)
    )
    return set(rows.values_list("region_code", flat=True))


def is_poverty_county(code: str, day: datetime.date | None = None) -> bool:
    return code in poverty_counties_on(day)


@transaction.atomic
def list_poverty_county(
    region_code: str,
    name: str,
    valid_from: datetime.date,
    *,
    by: Actor,
    valid_to: datetime.date | None = None,
    note: str = "",
) -> PovertyCounty:
    """Put a county on the dated 脱贫县 list (a caseworker or approver of the province)."""
    province = Org.objects.filter(parent__isnull=True).first()
    if province is None:
        raise RuleViolation(_("There is no province union."), code="no_province")
    require_role(by, province)
    code = check_county(region_code)
    if valid_to is not None and valid_to <= valid_from:
        raise RuleViolation(_("The end must come after the start."), field="valid_to")
    try:
        with transaction.atomic():
            row = PovertyCounty.objects.create(
                region_code=code,
                name=one_line(name, "name", 50, required_message=_("Enter the county's name.")),
                valid_from=valid_from,
                valid_to=valid_to,
                note=one_line(note, "note", 200),
            )
    except IntegrityError:
        raise RuleViolation(
            _("This county already has a row starting on that day."), field="valid_from"
        ) from None
    record_event(row, "produce.county_listed", by=by, org=province, changes={
        "region_code": code, "valid_from": str(valid_from), "valid_to": str(valid_to or ""),
    })  # fmt: skip
    return row


def _clean_producer(data: dict[str, Any]) -> dict[str, Any]:
    kind = str(data.get("kind") or "")
    if kind not in ProducerKind.values:
        raise RuleViolation(_("Choose farmer, cooperative or firm."), field="kind")
    phone = one_line(data.get("phone", ""), "phone", 20)
    if phone:
        try:
            phone = validate_phone(phone, allow_landline=True)
        except ValidationError as error:
            raise RuleViolation(error.messages[0], field="phone") from None
    account = parse_bank_account(data.get("bank_account", ""))
    return {
        "kind": kind,
        "name": one_line(data.get("name"), "name", 100, required_message=_("Enter the name.")),
        "region_code": check_county(str(data.get("region_code") or "")),
        "helping_unit": one_line(data.get("helping_unit", ""), "helping_unit", 100),
        "contact_name": one_line(data.get("contact_name", ""), "contact_name", 50),
        "phone": phone,
        "payee_name": one_line(data.get("payee_name", ""), "payee_name", 100),
        "bank_name": one_line(data.get("bank_name", ""), "bank_name", 100),
        "account": account,
    }


def _apply(producer: Producer, clean: dict[str, Any]) -> None:
    account = clean.pop("account")
    for key, value in clean.items():
        setattr(producer, key, value)
    if account:
        producer.account_encrypted = encrypt(account)
        producer.account_masked = mask_bank_account(account)


@transaction.atomic
def register_producer(org: Org, *, by: Actor, **data: Any) -> Producer:
    """A producer registered by `org` (farmer, cooperative or firm in a county)."""
    require_role(by, org)
    clean = _clean_producer(data)
    producer = Producer(org=org, created_by=staff_of(by))
    _apply(producer, clean)
    if Producer.objects.filter(org=org, name=producer.name).exists():
        raise RuleViolation(_("This union already has a producer of this name."), field="name")
    producer.save()
    record_event(producer, "produce.producer_registered", by=by, org=org, changes={
        "name": producer.name, "kind": producer.kind, "region_code": producer.region_code,
        "helping_unit": producer.helping_unit, "phone": producer.phone_masked,
        "account": producer.account_masked,
    })  # fmt: skip
    return producer


@transaction.atomic
def change_producer(producer: Producer, *, by: Actor, **data: Any) -> Producer:
    require_role(by, producer.org)
    producer = Producer.objects.select_for_update().get(pk=producer.pk)
    before = {"name": producer.name, "region_code": producer.region_code,
              "phone": producer.phone_masked, "account": producer.account_masked}  # fmt: skip
    _apply(producer, _clean_producer(data))
    clash = Producer.objects.filter(org=producer.org, name=producer.name).exclude(pk=producer.pk)
    if clash.exists():
        raise RuleViolation(_("This union already has a producer of this name."), field="name")
    producer.save()
    after = {"name": producer.name, "region_code": producer.region_code,
             "phone": producer.phone_masked, "account": producer.account_masked}  # fmt: skip
    changes = {key: [before[key], after[key]] for key in before if before[key] != after[key]}
    record_event(producer, "produce.producer_changed", by=by, org=producer.org, changes=changes)
    return producer


def unit_grams(unit: str, grams: int | None) -> int:
    """The grams of one unit: 500 for 斤, 1000 for 公斤, the content given for a box or bag."""
    if unit not in Unit.values:
        raise RuleViolation(_("Choose jin, kg, box or bag."), field="unit")
    fixed = FIXED_GRAMS.get(Unit(unit))
    if fixed is not None:
        return fixed
    if not grams or grams <= 0:
        raise RuleViolation(_("Enter the grams a box or bag holds."), field="grams")
    return int(grams)


@transaction.atomic
def add_product(
    producer: Producer, name: str, unit: str, price_fen: int, *, by: Actor, grams: int | None = None
) -> Product:
    require_role(by, producer.org)
    clean_name = one_line(name, "name", 100, required_message=_("Enter the product's name."))
    if producer.products.filter(name=clean_name).exists():
        raise RuleViolation(_("The producer already has a product of this name."), field="name")
    product = Product.objects.create(
        producer=producer,
        name=clean_name,
        unit=unit,
        grams=unit_grams(unit, grams),
        price_fen=check_fen(price_fen, field="price_fen"),
    )
    record_event(product, "produce.product_added", by=by, org=producer.org, changes={
        "producer": producer.name, "name": product.name, "unit": unit, "grams": product.grams,
        "price_fen": product.price_fen,
    })  # fmt: skip
    return product
