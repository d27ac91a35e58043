"""What every goods service shares: the checks of a quantity and an item, the stock row locked
(after the audit chain's head: the ledger's lock order), the refusal naming what is left, and
the stock ledger's row of a change."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from nuanjia.core.actors import Actor
from nuanjia.core.audit import lock_chain
from nuanjia.core.errors import RuleViolation
from nuanjia.orgs.models import Org
from nuanjia.orgs.permissions import staff_of

from ..models import GoodsItem, Stock, StockMove

# At most this many of an item in one move: a typo (an extra zero) is refused, not stored.
QUANTITY_MAX = 10_000_000


def check_quantity(value: object, *, field: str = "quantity", label: Any = None) -> int:
    """A whole number of pieces above 0 (and not absurdly many)."""
    name = str(label or _("Quantity"))
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise RuleViolation(
            _("%(field)s: give a whole number above 0.") % {"field": name}, field=field
        )
    if value > QUANTITY_MAX:
        raise RuleViolation(
            _("%(field)s: at most %(max)d.") % {"field": name, "max": QUANTITY_MAX}, field=field
        )
    return value


def active_item(item: GoodsItem | None) -> GoodsItem:
    if item is None or not item.is_active:
        raise RuleViolation(_("Item: choose an item of the catalogue."), field="item")
    return item


def lock_head(org: Org) -> None:
    """The audit chain of the union's city, locked first (the ledger's lock order; see the
    docstring of `funds.services.common._lock`)."""
    lock_chain(org.path)


def lock_stock(org: Org, item: GoodsItem, *, create: bool = True) -> Stock | None:
    """The union's stock row of the item, locked for this transaction (created empty on
    first use when `create`; None when there is none and not `create`)."""
    found = Stock.objects.filter(org=org, item=item).values_list("pk", flat=True).first()
    if found is None:
        if not create:
            return None
        try:
            with transaction.atomic():
                found = Stock.objects.create(org=org, item=item).pk
        except IntegrityError:  # created by a racing transaction meanwhile
            found = Stock.objects.get(org=org, item=item).pk
    return Stock.objects.select_for_update(of=("self",)).select_related("org", "item").get(pk=found)


def short_of(stock: Stock | None, item: GoodsItem, quantity: int) -> RuleViolation:
    remaining = stock.remaining if stock is not None else 0
    return RuleViolation(
        _("Not enough in stock: %(remaining)d %(unit)s left, %(quantity)d %(unit)s asked for.")
        % {"remaining": remaining, "unit": item.unit, "quantity": quantity},
        field="quantity",
        code="insufficient_stock",
    )


def write_move(
    stock: Stock, kind: str, quantity: int, *, by: Actor | None, **links: Any
) -> StockMove:
    """The stock ledger's row of a change (signed: + in, − out); the caller saved the counters."""
    return StockMove.objects.create(
        stock=stock, kind=kind, quantity=quantity, by=staff_of(by), **links
    )
