"""Hand-outs of goods in a 慰问 activity: to a named worker (at a visit, or on its own) or in
bulk to a site or team with a count of people and the receiving person's signature record
(name and date, or a photo or PDF of the signed list); and returning a hand-out to stock.
The lock order is `goods`': the audit head, then the stock row."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.files.storage import default_storage
from django.db import transaction
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from nuanjia.core import clock
from nuanjia.core.actors import Actor
from nuanjia.core.audit import record_event
from nuanjia.core.errors import RuleViolation
from nuanjia.core.text import one_line
from nuanjia.core.uploads import PHOTOS_AND_PDF, TYPES, check_upload, extension_of, random_name
from nuanjia.orgs.models import Org
from nuanjia.orgs.permissions import staff_of

from ..models import Activity, GoodsItem, Handout, Visit
from ..rules import ActivityKind, StockMoveKind
from .common import require_open, require_planner, require_taking_part
from .goods_stock import active_item, check_quantity, lock_head, lock_stock, short_of, write_move

SIGNED_LIST_LABEL = gettext_lazy("Photo of the signed list")
SIGNED_LIST_FOLDER = "campaigns/signed-lists"
PEOPLE_MAX = 1_000_000


def _check_signature(
    signed_by_name: str, signed_on: datetime.date | None, signed_list: Any
) -> tuple[str, datetime.date | None]:
    """A bulk hand-out needs the receiving person's signature record: their name and the
    date they signed, or the signed list (a photo or PDF), or both."""
    name = one_line(signed_by_name, "signed_by_name", 50)
    if signed_on is not None and signed_on > clock.today():
        raise RuleViolation(_("Signed on: the date cannot be in the future."), field="signed_on")
    if name and signed_on is None:
        raise RuleViolation(_("Signed on: give the date the list was signed."), field="signed_on")
    if signed_list:
        check_upload(
            signed_list, label=SIGNED_LIST_LABEL, field="signed_list", accepted=PHOTOS_AND_PDF
        )
    elif not name:
        raise RuleViolation(
            _(
                "Received and signed by: give the name of the person who signed for the goods "
                "and the date, or attach a photo of the signed list."
            ),
            field="signed_by_name",
        )
    return name, signed_on


def _check_named(
    activity: Activity, org: Org, item: GoodsItem, worker: Any, visit: Visit | None
) -> None:
    if not worker.org.is_within(org):
        raise RuleViolation(
            _("Worker: %(name)s is not registered under %(org)s.")
            % {"name": worker.name, "org": org.name},
            field="worker",
        )
    if visit is not None and (visit.activity_id != activity.pk or visit.worker_id != worker.pk):
        raise RuleViolation(_("The visit is not this worker's in this activity."), field="visit")
    already = Handout.objects.filter(
        activity=activity, worker=worker, item=item, returned=False
    ).exists()
    if already:
        raise RuleViolation(
            _("Item: %(name)s has already been given %(item)s in this activity.")
            % {"name": worker.name, "item": item.name},
            field="item",
            code="already_handed_out",
        )


def _store_signed_list(upload: Any) -> str:
    """The checked file under a random name; its path is kept on the hand-out."""
    return str(default_storage.save(f"{SIGNED_LIST_FOLDER}/{random_name(upload.name)}", upload))


def _recipient(
    worker: Any, recipient_group: str, people_count: int, signature: tuple[Any, Any, Any]
) -> dict[str, Any]:
    """The hand-out's recipient fields, checked: a named worker, or a site or team."""
    if worker is not None:
        return {"worker": worker, "recipient_group": "", "people_count": 1}
    group = one_line(
        recipient_group,
        "recipient_group",
        100,
        required_message=_("Site or team: say who received the goods, or choose a worker."),
    )
    if isinstance(people_count, bool) or not isinstance(people_count, int) or people_count < 1:
        raise RuleViolation(_("People: give a whole number above 0."), field="people_count")
    if people_count > PEOPLE_MAX:
        raise RuleViolation(
            _("People: at most %(max)d.") % {"max": PEOPLE_MAX}, field="people_count"
        )
    name, signed_on = _check_signature(*signature)
    return {
        "recipient_group": group,
        "people_count": people_count,
        "signed_by_name": name,
        "signed_on": signed_on,
    }


@transaction.atomic
def hand_out(
    activity: Activity,
    org: Org,
    item: GoodsItem,
    quantity: int,
    *,
    by: Actor,
    worker: Any = None,
    visit: Visit | None = None,
    recipient_group: str = "",
    people_count: int = 1,
    signed_by_name: str = "",
    signed_on: datetime.date | None = None,
    signed_list: Any = None,
) -> Handout:
    """发放: goods from the union's stock in a 慰问 activity of an open campaign the union
    takes part in. Named (a worker, maybe at a visit; the same item once per worker per
    activity) or bulk (a site or team, a count and the signature record). The stock row is
    locked and more than what is left is refused, naming what is left."""
    require_planner(by, org)
    if activity.kind != ActivityKind.VISIT:
        raise RuleViolation(_("Goods are handed out in a warmth visit."), field="activity")
    require_open(activity.campaign)
    require_taking_part(activity, org)
    item = active_item(item)
    quantity = check_quantity(quantity)
    fields = _recipient(
        worker, recipient_group, people_count, (signed_by_name, signed_on, signed_list)
    )
    lock_head(org)
    if worker is not None:
        _check_named(activity, org, item, worker, visit)
    stock = lock_stock(org, item, create=False)
    if stock is None or stock.remaining < quantity:
        raise short_of(stock, item, quantity)
    if worker is None and signed_list:
        fields["signed_list"] = _store_signed_list(signed_list)
    handout = Handout.objects.create(
        activity=activity,
        org=org,
        item=item,
        quantity=quantity,
        visit=visit,
        recorded_by=staff_of(by),
        **fields,
    )
    stock.handed_out += quantity
    stock.save(update_fields=["handed_out", "updated_at"])
    write_move(
        stock,
        StockMoveKind.HANDED_OUT,
        -quantity,
        by=by,
        handout=handout,
        campaign=activity.campaign,
        note=fields["recipient_group"],
    )
    record_event(
        handout,
        "campaigns.goods_handed_out",
        by=by,
        org=org,
        changes={
            "activity": activity.pk,
            "item": str(item),
            "quantity": quantity,
            "worker": getattr(worker, "pk", None),
            "visit": getattr(visit, "pk", None),
            "recipient_group": fields["recipient_group"],
            "people_count": fields["people_count"],
            "remaining": stock.remaining,
        },
    )
    return handout


@transaction.atomic
def return_handout(handout: Handout, *, by: Actor, reason: str) -> Handout:
    """撤销发放: the goods go back into the union's stock (a visit cancelled, a wrong entry);
    the row stays, marked returned, with the reason on the stock move and in the audit."""
    require_planner(by, handout.org)
    reason = one_line(
        reason, "reason", 200, required_message=_("Reason: say why the goods come back.")
    )
    require_open(handout.activity.campaign)
    lock_head(handout.org)
    handout = (
        Handout.objects.select_for_update(of=("self",))
        .select_related("item", "activity")
        .get(pk=handout.pk)
    )
    if handout.returned:
        raise RuleViolation(_("These goods were already returned to stock."), code="returned")
    stock = lock_stock(handout.org, handout.item)
    assert stock is not None
    stock.handed_out -= handout.quantity
    stock.save(update_fields=["handed_out", "updated_at"])
    handout.returned = True
    handout.save(update_fields=["returned"])
    write_move(
        stock,
        StockMoveKind.RETURNED,
        handout.quantity,
        by=by,
        handout=handout,
        campaign=handout.activity.campaign,
        note=reason,
    )
    record_event(
        handout,
        "campaigns.goods_returned",
        by=by,
        org=handout.org,
        changes={"quantity": handout.quantity, "reason": reason, "remaining": stock.remaining},
    )
    return handout


def download_signed_list(handout: Handout, *, by: Actor) -> FileResponse:
    """The signed list of a bulk hand-out, never cached, its reading audited."""
    if not handout.signed_list:
        raise Http404
    try:
        opened = default_storage.open(handout.signed_list, "rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    kind = TYPES.get(extension_of(handout.signed_list))
    response = FileResponse(
        opened,
        as_attachment=True,
        filename=f"signed-list-{handout.pk}.{kind.extension if kind else 'bin'}",
        content_type=kind.content_type if kind else "application/octet-stream",
    )
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    record_event(handout, "campaigns.signed_list_read", by=by, org=handout.org)
    return response
