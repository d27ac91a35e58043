"""Registering and updating workers (职工): duplicates refused, numbers encrypted."""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from nuanjia.core.actors import Actor
from nuanjia.core.audit import record_event
from nuanjia.core.codes import validate_credit_code
from nuanjia.core.crypto import (
    PURPOSE_BANK_ACCOUNT,
    PURPOSE_ID_NUMBER,
    blind_index,
    encrypt,
)
from nuanjia.core.errors import RuleViolation
from nuanjia.core.idnumbers import (
    IdNumber,
)
from nuanjia.core.masking import mask_bank_account, mask_name
from nuanjia.core.pinyin import name_search_keys
from nuanjia.orgs.models import Org
from nuanjia.orgs.permissions import staff_of

from .. import rules
from ..models import (
    Employer,
    OccupationTag,
    Worker,
    WorkerNameKey,
)
from ..queries import with_id_number_index
from .cleaning import _bank_account, _date, _gender, _id_number, _phone, _region_code, _text
from .duplicates import find_possible_duplicates
from .guards import _require, in_scope
from .households import _sync_self_member
from .records import _diff, _lock_worker, _set_id_number

# Worker fields a caller may set; ID and bank numbers are taken in clear and stored encrypted.
WORKER_FIELDS = frozenset(
    {
        "name", "id_number", "gender", "birth_date", "phone", "address", "region_code",
        "employer_name", "employer_credit_code", "occupations", "union", "joined_union_on",
        "member_card_number", "bank_name", "bank_account",
    }
)  # fmt: skip


@dataclass(frozen=True)
class ExistingRecord:
    """What a refused registration may show of the record already holding the ID: masked."""

    masked_name: str
    masked_id_number: str
    org_name: str
    is_in_your_area: bool

    def as_dict(self) -> dict[str, str | bool]:
        return {
            "name": self.masked_name,
            "id_number": self.masked_id_number,
            "org": self.org_name,
            "is_in_your_area": self.is_in_your_area,
        }


class DuplicateWorker(RuleViolation):
    """The ID number is already registered in the province (一人一档).

    `existing` is the record itself, for the server to offer a transfer; only `summary`
    (masked name and ID, owning union) may be shown.
    """

    def __init__(self, existing: Worker, *, by: Actor | None):
        self.existing = existing
        self.summary = ExistingRecord(
            mask_name(existing.name),
            existing.id_number_masked,
            existing.org.name,
            in_scope(by, existing.org),
        )
        values = {
            "name": self.summary.masked_name,
            "id": self.summary.masked_id_number,
            "org": self.summary.org_name,
        }
        if self.summary.is_in_your_area:
            message = (
                _(
                    "This ID number is already registered in your area: %(name)s, %(id)s, kept by %(org)s."
                )
                % values
            )
        else:
            message = (
                _(
                    "This ID number is already registered in the province: %(name)s, %(id)s, kept by %(org)s. You can ask that union to transfer the record to you."
                )
                % values
            )
        super().__init__(message, field="id_number", code="duplicate_worker")


def _refuse_duplicate(index: str, *, exclude_pk: int | None, by: Actor | None) -> None:
    others = Worker.objects.select_related("org", "merged_into__org").filter(
        with_id_number_index(index)
    )
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    existing = others.first()
    if existing is not None:
        raise DuplicateWorker(existing.merged_into or existing, by=by)


def _public_state(worker: Worker) -> dict[str, Any]:
    """The worker's fields as the audit trail may see them; the numbers' keys are redacted."""
    return {
        "name": worker.name,
        "gender": worker.gender,
        "birth_date": worker.birth_date,
        "id_number": worker.id_number_index,  # redacted by record_event: shows only that it changed
        "phone": worker.phone_masked,  # personal: the audit trail shows it masked
        "address": worker.address,
        "region_code": worker.region_code,
        "employer": worker.employer_id,
        "union": worker.union_id,
        "joined_union_on": worker.joined_union_on,
        "member_card_number": worker.member_card_number,
        "bank_name": worker.bank_name,
        "bank_account": worker.bank_account_index,  # redacted likewise
        "org": worker.org_id,
    }


def _employer(name: str, credit_code: str, region_code: str) -> Employer | None:
    if credit_code:
        try:
            code = validate_credit_code(credit_code)
        except ValidationError as error:
            raise RuleViolation(error.messages[0], field="employer_credit_code") from None
        employer = Employer.objects.filter(credit_code=code).first()
        if employer is None:
            if not name:
                raise RuleViolation(
                    _("Enter the employer's name with its credit code."), field="employer_name"
                )
            employer = Employer.objects.create(name=name, credit_code=code, region_code=region_code)
        return employer
    if not name:
        return None
    employer = Employer.objects.filter(name=name, credit_code="").order_by("pk").first()
    return employer or Employer.objects.create(name=name, region_code=region_code)


def _occupations(values: Iterable[Any]) -> list[OccupationTag]:
    tags: list[OccupationTag] = []
    for value in values or ():
        tag = (
            value
            if isinstance(value, OccupationTag)
            else OccupationTag.objects.filter(name=str(value).strip(), is_active=True).first()
        )
        if tag is None:
            raise RuleViolation(
                _("%(name)s is not an occupation in the list.") % {"name": value},
                field="occupations",
            )
        tags.append(tag)
    return tags


def _apply_worker_values(
    worker: Worker, values: dict[str, Any], *, by: Actor | None
) -> tuple[list[OccupationTag] | None, IdNumber | None]:
    """Validate and set the given fields on an unsaved or locked worker.

    Returns the occupations to set after saving (None: unchanged) and the parsed ID number
    when a new one was given.
    """
    unknown = set(values) - WORKER_FIELDS
    if unknown:
        raise RuleViolation(
            _("%(field)s cannot be changed here.") % {"field": ", ".join(sorted(unknown))},
            field=sorted(unknown)[0],
        )
    today = timezone.localdate()
    if "name" in values:
        worker.name = _text(
            values["name"], "name", 50, required_message=_("Please enter the worker's name.")
        )
        worker.name_pinyin, worker.name_initials = (
            key[:limit] for key, limit in zip(name_search_keys(worker.name), (120, 50), strict=True)
        )
    parsed = _id_number(values.get("id_number"))
    if parsed is not None:
        index = blind_index(parsed.number, purpose=PURPOSE_ID_NUMBER)
        if index != worker.id_number_index:
            _refuse_duplicate(index, exclude_pk=worker.pk, by=by)
            _set_id_number(worker, parsed)
        else:
            parsed = None
    if not worker.has_id_number:
        # Without an ID number, gender and birth date are typed in; with one, they come from it.
        if "gender" in values:
            worker.gender = _gender(values["gender"])
        if "birth_date" in values:
            worker.birth_date = _date(values["birth_date"], "birth_date", not_after=today)
    if "phone" in values:
        worker.phone = _phone(values["phone"])
    if "address" in values:
        worker.address = _text(values["address"], "address", 200)
    if "region_code" in values or not worker.region_code:
        worker.region_code = _region_code(
            values.get("region_code"), worker.org.region_code if worker.org_id else ""
        )
    if "employer_name" in values or "employer_credit_code" in values:
        name = _text(values.get("employer_name"), "employer_name", 120)
        worker.employer = _employer(
            name, str(values.get("employer_credit_code") or "").strip(), worker.region_code
        )
    if "union" in values:
        union = values["union"]
        if union is not None and not (
            isinstance(union, Org) and union.is_grassroots and in_scope(by, union)
        ):
            raise RuleViolation(_("Choose a grassroots union of your area."), field="union")
        worker.union = union
    if "joined_union_on" in values:
        worker.joined_union_on = _date(
            values["joined_union_on"], "joined_union_on", not_after=today
        )
    if worker.joined_union_on and worker.union_id is None:
        raise RuleViolation(_("Choose the union the worker joined."), field="union")
    if "member_card_number" in values:
        worker.member_card_number = _text(values["member_card_number"], "member_card_number", 30)
    if "bank_name" in values:
        worker.bank_name = _text(values["bank_name"], "bank_name", 60)
    account = _bank_account(values.get("bank_account"))
    if account:
        worker.bank_account_encrypted = encrypt(account)
        worker.bank_account_index = blind_index(account, purpose=PURPOSE_BANK_ACCOUNT)
        worker.bank_account_masked = mask_bank_account(account)
    if worker.bank_account_encrypted and not worker.bank_name:
        raise RuleViolation(_("Enter the bank of the account."), field="bank_name")
    occupations = _occupations(values["occupations"]) if "occupations" in values else None
    return occupations, parsed


def _save_worker(worker: Worker, *, by: Actor | None) -> None:
    """Save, turning a lost race on the province-wide unique ID into the same refusal."""
    try:
        with transaction.atomic():
            worker.save()
    except IntegrityError:
        if worker.id_number_index:
            _refuse_duplicate(worker.id_number_index, exclude_pk=worker.pk, by=by)
        raise


def write_name_keys(worker: Worker, *, old_name: str | None = None) -> None:
    """Replace the worker's name search keys (rules.name_keys).

    The keys table has no index on worker (see WorkerNameKey): old keys are found through
    the (key, worker) index, from the old name."""
    if old_name is not None:
        stale = set(rules.name_keys(old_name)) | set(rules.name_keys(worker.name))
        WorkerNameKey.objects.filter(key__in=stale, worker=worker).delete()
    WorkerNameKey.objects.bulk_create(
        [WorkerNameKey(worker=worker, key=key) for key in rules.name_keys(worker.name)]
    )


@transaction.atomic
def register_worker(*, org: Org, by: Actor, **values: Any) -> Worker:
    """Register a worker in the province-wide registry (一人一档).

    The ID number is validated (GB 11643) and gives gender and birth date; it is stored
    encrypted with a blind index, masked form and last 4. An ID number already registered
    anywhere in the province is refused with DuplicateWorker, which shows the existing
    record masked and its owning union, so the caller can ask for a transfer instead.
    Records are then compared with similar ones to queue possible duplicates.
    """
    _require(by, rules.REGISTER_ROLES, org)
    return _register(org=org, by=by, values=values)


SELF_FIELDS = frozenset({"name", "id_number", "phone", "region_code", "address", "occupations"})


@transaction.atomic
def register_self(*, org: Org, actor_label: str, **values: Any) -> Worker:
    """A person registers themselves (the member portal: the owner of a signed-in phone who
    is not in the registry yet), into `org`, their county's holding pool. Only their own
    facts; the caller has checked that the ID number is not registered already."""
    unknown = set(values) - SELF_FIELDS
    if unknown:
        raise ValueError(f"not a field a person registers themselves: {sorted(unknown)}")
    return _register(org=org, by=None, values=values, actor_label=actor_label)


def _register(
    *, org: Org, by: Actor | None, values: dict[str, Any], actor_label: str = ""
) -> Worker:
    worker = Worker(org=org, created_by=staff_of(by) if getattr(by, "pk", None) else None)
    values.setdefault("name", "")
    occupations, _parsed = _apply_worker_values(worker, values, by=by)
    _save_worker(worker, by=by)
    write_name_keys(worker)
    if occupations:
        worker.occupations.set(occupations)
    record_event(
        worker,
        "worker.registered",
        by=by,
        actor_label=actor_label,
        changes={
            "name": worker.name,
            "org": org.name,
            "id_recorded": worker.has_id_number,
            "bank_recorded": worker.has_bank_account,
        },
    )
    find_possible_duplicates(worker)
    return worker


@transaction.atomic
def update_worker(worker: Worker, *, by: Actor, **values: Any) -> Worker:
    """Change a worker's facts. A blank ID or bank number keeps the stored one; a new ID number
    is checked against the province like a registration."""
    worker = _lock_worker(worker)
    _require(by, rules.REGISTER_ROLES, worker.org)
    if worker.merged_into_id:
        raise RuleViolation(
            _("This record was merged into another; change that one."), code="merged"
        )
    before = _public_state(worker)
    occupations_before = sorted(worker.occupations.values_list("name", flat=True))
    occupations, _parsed = _apply_worker_values(worker, values, by=by)
    _save_worker(worker, by=by)
    changes = _diff(before, _public_state(worker))
    if "name" in changes:
        write_name_keys(worker, old_name=before["name"])
    if occupations is not None:
        worker.occupations.set(occupations)
        after = sorted(tag.name for tag in occupations)
        if after != occupations_before:
            changes["occupations"] = [occupations_before, after]
    if changes:
        after_worker_update(worker, changes, by=by)
    return worker


def after_worker_update(
    worker: Worker, changes: dict[str, Any], *, by: Actor, actor_label: str = ""
) -> None:
    """What follows every change of a worker's facts, by a person or an import: the household's
    本人 row, one `worker.updated` event with the changed fields ({field: [before, after]},
    numbers redacted, the phone masked), and the duplicate check when identifying facts moved."""
    _sync_self_member(worker)
    record_event(worker, "worker.updated", by=by, changes=changes, actor_label=actor_label)
    if set(changes) & {"name", "birth_date", "phone", "address", "id_number"}:
        find_possible_duplicates(worker)


@transaction.atomic
def admit_to_union(
    worker: Worker,
    *,
    union: Org,
    on: Any,
    occupation: OccupationTag | None,
    by: Actor,
    moving_from: Org | None = None,
) -> Worker:
    """Record that `worker` joined `union` on `on` (入会), with their occupation; or, with
    `moving_from`, that their membership moved there from that union (会员关系转接: the
    membership date stays). The caller is the union's own decision (the member portal's join,
    accepted through its workflow by staff of that union or its county), so the registry's own
    role check does not apply: the record may be kept by another union."""
    worker = _lock_worker(worker)
    if worker.merged_into_id:
        raise RuleViolation(_("This record was merged into another."), code="merged")
    if worker.union_id != (moving_from.pk if moving_from else None):
        raise RuleViolation(
            _("%(name)s is already a member of %(union)s.")
            % {"name": worker.name, "union": worker.union},
            code="already_member",
        )
    changes: dict[str, Any] = {"union": [moving_from.name if moving_from else None, union.name]}
    worker.union = union
    if moving_from is None:
        worker.joined_union_on = on
        changes["joined_union_on"] = [None, str(on)]
    worker.save(update_fields=["union", "joined_union_on", "updated_at"])
    if occupation is not None:
        worker.occupations.add(occupation)
    after_worker_update(worker, changes, by=by)
    return worker
