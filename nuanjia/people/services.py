"""Every write to workers (职工), households (家庭), consents, transfers (转移) and duplicate reviews.

Each service checks the actor's role and scope, changes rows in one transaction and records
one audit event in it. Refusals raise RuleViolation (a rule, with the field at fault) or
PermissionDenied (a role or scope) and change nothing. Clear ID and bank numbers never enter
an audit event: events say that a number changed, or carry its masked form.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from nuanjia.core.audit import record_event
from nuanjia.core.codes import validate_credit_code
from nuanjia.core.crypto import (
    PURPOSE_BANK_ACCOUNT,
    PURPOSE_ID_NUMBER,
    blind_index,
    current_key_id,
    decrypt,
    encrypt,
    rotate,
)
from nuanjia.core.errors import RuleViolation
from nuanjia.core.idnumbers import (
    EARLIEST_BIRTH_DATE,
    IdNumber,
    is_known_region_code,
    validate_id_number,
)
from nuanjia.core.masking import mask_bank_account, mask_id_number, mask_name
from nuanjia.core.phones import validate_phone
from nuanjia.core.pinyin import name_search_keys
from nuanjia.orgs.models import Org
from nuanjia.orgs.permissions import deny
from nuanjia.orgs.rules import Perm

from . import rules, signals
from .models import (
    Consent,
    DuplicateCandidate,
    Employer,
    Gender,
    Household,
    HouseholdMember,
    OccupationTag,
    TransferRequest,
    Worker,
    WorkerNameKey,
)
from .queries import with_id_number_index

# ---- Guards -----------------------------------------------------------------------------------


def _roles(by) -> frozenset[str]:
    return (
        frozenset(getattr(by, "roles", frozenset()))
        if by is not None and by.is_active
        else frozenset()
    )


def in_scope(by, org: Org | None) -> bool:
    """Whether `org` is the actor's own union or below it."""
    return (
        by is not None
        and getattr(by, "org", None) is not None
        and org is not None
        and org.is_within(by.org)
    )


def may(by, roles: frozenset[str], org: Org | None = None) -> bool:
    """Whether `by` holds one of `roles` (and, given an org, has it in scope)."""
    if not (_roles(by) & roles):
        return False
    return org is None or in_scope(by, org)


def authorize(
    user, roles: frozenset[str], name: str, where: str = "", org: Org | None = None
) -> None:
    """For pages and the API, before calling a service: refuse (403) and audit the denial
    outside the service's transaction, so the denial record is kept."""
    if not may(user, roles, org):
        deny(user, f"people.{name}", where)


def may_reveal(user, worker: Worker) -> bool:
    return bool(
        user is not None
        and user.is_authenticated
        and user.has_perm_code(Perm.REVEAL_PERSONAL_DATA)
        and in_scope(user, worker.org)
    )


def _require(by, roles: frozenset[str], org: Org | None = None) -> None:
    if not may(by, roles, org):
        raise PermissionDenied


# ---- Cleaning input ---------------------------------------------------------------------------


def _text(value: Any, field: str, max_length: int, *, required_message: str | None = None) -> str:
    text = " ".join(str(value or "").split())
    if required_message and not text:
        raise RuleViolation(required_message, field=field)
    if len(text) > max_length:
        raise RuleViolation(
            _("This field has at most %(count)d characters.") % {"count": max_length}, field=field
        )
    return text


def _date(
    value: Any, field: str, *, not_after: datetime.date | None = None
) -> datetime.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime.datetime):
        value = value.date()
    if not isinstance(value, datetime.date):
        try:
            value = datetime.date.fromisoformat(str(value).strip())
        except ValueError:
            raise RuleViolation(_("Enter a date such as 2024-03-01."), field=field) from None
    if value < EARLIEST_BIRTH_DATE:
        raise RuleViolation(_("The date cannot be before 1900."), field=field)
    if not_after is not None and value > not_after:
        raise RuleViolation(_("The date cannot be in the future."), field=field)
    return value


def _id_number(value: Any, field: str = "id_number") -> IdNumber | None:
    if not str(value or "").strip():
        return None
    try:
        return validate_id_number(str(value))
    except ValidationError as error:
        raise RuleViolation(error.messages[0], field=field) from None


def parse_id_number(value: Any, field: str = "id_number") -> IdNumber:
    """A required, valid ID number, or RuleViolation naming what is wrong with it."""
    parsed = _id_number(value, field)
    if parsed is None:
        raise RuleViolation(_("Please enter the ID number."), field=field)
    return parsed


def _phone(value: Any) -> str:
    if not str(value or "").strip():
        return ""
    try:
        return validate_phone(str(value))
    except ValidationError as error:
        raise RuleViolation(error.messages[0], field="phone") from None


def _bank_account(value: Any) -> str:
    digits = "".join(str(value or "").split()).replace("-", "")
    if not digits:
        return ""
    if not (digits.isascii() and digits.isdigit()) or not 8 <= len(digits) <= 30:
        raise RuleViolation(_("The bank account number has 8 to 30 digits."), field="bank_account")
    return digits


def _region_code(value: Any, default: str) -> str:
    code = str(value or "").strip() or default
    if code and not is_known_region_code(code):
        raise RuleViolation(_("Enter a 6-digit region code such as 410108."), field="region_code")
    return code


def _gender(value: Any) -> str:
    gender = str(value or "")
    if gender not in ("", *Gender.values):
        raise RuleViolation(_("Choose male or female."), field="gender")
    return gender


def _fen(value: Any, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise RuleViolation(_("Enter an amount that is not negative."), field=field)
    return value


# ---- Workers ----------------------------------------------------------------------------------

# Worker fields a caller may set; ID and bank numbers are taken in clear and stored encrypted.
WORKER_FIELDS = frozenset(
    {
        "name", "id_number", "gender", "birth_date", "phone", "address", "region_code",
        "employer_name", "employer_credit_code", "occupations", "union", "joined_union_on",
        "member_card_number", "bank_name", "bank_account",
    }
)  # fmt: skip
ID_FIELDS = ("id_number_encrypted", "id_number_index", "id_number_masked", "id_last4")
BANK_FIELDS = ("bank_account_encrypted", "bank_account_index", "bank_account_masked")


@dataclass(frozen=True)
class ExistingRecord:
    """What a refused registration may show of the record already holding the ID: masked."""

    masked_name: str
    masked_id_number: str
    org_name: str
    is_in_your_area: bool

    def as_dict(self) -> dict:
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

    def __init__(self, existing: Worker, *, by):
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


def _refuse_duplicate(index: str, *, exclude_pk: int | None, by) -> None:
    existing = (
        Worker.objects.select_related("org", "merged_into__org")
        .filter(with_id_number_index(index))
        .exclude(pk=exclude_pk)
        .first()
    )
    if existing is not None:
        raise DuplicateWorker(existing.merged_into or existing, by=by)


def _public_state(worker: Worker) -> dict[str, Any]:
    """The worker's fields as the audit trail may see them; the numbers' keys are redacted."""
    return {
        "name": worker.name,
        "gender": worker.gender,
        "birth_date": worker.birth_date,
        "id_number": worker.id_number_index,  # redacted by record_event: shows only that it changed
        "phone": worker.phone,
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


def _set_id_number(target, parsed: IdNumber | None) -> None:
    """Store an ID number on a worker or member: encrypted, blind index, masked, last 4."""
    if parsed is None:
        for name in ID_FIELDS:
            if hasattr(target, name):
                setattr(target, name, "")
        return
    target.id_number_encrypted = encrypt(parsed.number)
    target.id_number_index = blind_index(parsed.number, purpose=PURPOSE_ID_NUMBER)
    target.id_number_masked = mask_id_number(parsed.number)
    if hasattr(target, "id_last4"):
        target.id_last4 = parsed.number[-4:]
    target.gender = parsed.gender
    target.birth_date = parsed.birth_date


def _apply_worker_values(
    worker: Worker, values: dict[str, Any], *, by
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


def _save_worker(worker: Worker, *, by) -> None:
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
def register_worker(*, org: Org, by, **values) -> Worker:
    """Register a worker in the province-wide registry (一人一档).

    The ID number is validated (GB 11643) and gives gender and birth date; it is stored
    encrypted with a blind index, masked form and last 4. An ID number already registered
    anywhere in the province is refused with DuplicateWorker, which shows the existing
    record masked and its owning union, so the caller can ask for a transfer instead.
    Records are then compared with similar ones to queue possible duplicates.
    """
    _require(by, rules.REGISTER_ROLES, org)
    worker = Worker(org=org, created_by=by if getattr(by, "pk", None) else None)
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
def update_worker(worker: Worker, *, by, **values) -> Worker:
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
        _sync_self_member(worker)
        record_event(worker, "worker.updated", by=by, changes=changes)
        if set(changes) & {"name", "birth_date", "phone", "address", "id_number"}:
            find_possible_duplicates(worker)
    return worker


def _diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    def plain(value):
        return value if value is None or isinstance(value, bool | int | str) else str(value)

    return {
        field: [plain(before.get(field)), plain(after[field])]
        for field in after
        if before.get(field) != after[field]
    }


def _lock_worker(worker: Worker) -> Worker:
    return Worker.objects.select_for_update().select_related("org").get(pk=worker.pk)


# ---- Revealing numbers ------------------------------------------------------------------------


def _reveal(worker: Worker, field: str, token: str, *, reason: str, by) -> str:
    if not may_reveal(by, worker):
        raise PermissionDenied
    reason = _text(
        reason, "reason", 200, required_message=_("Say why you need to see the full number.")
    )
    if len(reason) < 2:
        raise RuleViolation(_("Say why you need to see the full number."), field="reason")
    if not token:
        raise RuleViolation(_("No number is recorded."), field="field")
    record_event(
        worker, "personal_data.revealed", by=by, changes={"field": field, "reason": reason}
    )
    return decrypt(token)


@transaction.atomic
def reveal_id_number(worker: Worker, *, reason: str, by) -> str:
    """The clear ID number, for a user with the reveal permission over the worker's union.

    A reason is required and the reveal is audited (`personal_data.revealed`, with the reason).
    """
    return _reveal(worker, "id_number", worker.id_number_encrypted, reason=reason, by=by)


@transaction.atomic
def reveal_bank_account(worker: Worker, *, reason: str, by) -> str:
    """The clear bank account number; same rule as reveal_id_number."""
    return _reveal(worker, "bank_account", worker.bank_account_encrypted, reason=reason, by=by)


# ---- Consents ---------------------------------------------------------------------------------


@transaction.atomic
def record_consent(worker: Worker, *, scope: str, given_on: Any, evidence: str = "", by) -> Consent:
    """Record a separate consent (PIPL 单独同意) for one kind of sensitive data."""
    _require(by, rules.REGISTER_ROLES, worker.org)
    if scope not in Consent.Scope.values:
        raise RuleViolation(_("Choose what the consent covers."), field="scope")
    given = _date(given_on, "given_on", not_after=timezone.localdate())
    if given is None:
        raise RuleViolation(_("Enter the date the consent was given."), field="given_on")
    consent = Consent.objects.create(
        worker=worker,
        scope=scope,
        given_on=given,
        evidence=_text(evidence, "evidence", 200),
        recorded_by=by,
    )
    record_event(
        worker,
        "consent.recorded",
        by=by,
        changes={"scope": scope, "given_on": str(given), "evidence": consent.evidence},
    )
    return consent


@transaction.atomic
def withdraw_consent(consent: Consent, *, by, on: Any = None) -> Consent:
    """Record that a consent was withdrawn; the record stays, as the history of consent."""
    consent = Consent.objects.select_for_update().select_related("worker__org").get(pk=consent.pk)
    _require(by, rules.REGISTER_ROLES, consent.worker.org)
    if consent.withdrawn_on is not None:
        raise RuleViolation(_("This consent was already withdrawn."), field="consent")
    today = timezone.localdate()
    withdrawn = _date(on, "withdrawn_on", not_after=today) or today
    if withdrawn < consent.given_on:
        raise RuleViolation(
            _("A consent cannot be withdrawn before it was given."), field="withdrawn_on"
        )
    consent.withdrawn_on = withdrawn
    consent.save(update_fields=["withdrawn_on"])
    record_event(
        consent.worker,
        "consent.withdrawn",
        by=by,
        changes={"scope": consent.scope, "withdrawn_on": str(withdrawn)},
    )
    return consent


def has_consent(worker: Worker, scope: str, on: datetime.date | None = None) -> bool:
    on = on or timezone.localdate()
    return worker.consents.filter(
        Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gt=on), scope=scope, given_on__lte=on
    ).exists()


# ---- Households -------------------------------------------------------------------------------

HOUSEHOLD_FLAGS = (
    "owns_car",
    "child_in_costly_school",
    "controls_business",
    "refused_verification",
    "on_dibao",
)
HOUSEHOLD_FIELDS = frozenset(
    {*HOUSEHOLD_FLAGS, "homes_count", "homes_area_m2", "notes", "region_code"}
)
MONEY_FIELDS = rules.INCOME_FIELDS + rules.COST_FIELDS
MEMBER_FIELDS = frozenset(
    {
        "relation",
        "name",
        "id_number",
        "birth_date",
        "gender",
        "health",
        "disability",
        "school_stage",
        "is_able_bodied",
        "is_employed",
        *MONEY_FIELDS,
    }
)


def _apply_household_values(household: Household, values: dict[str, Any]) -> None:
    unknown = set(values) - HOUSEHOLD_FIELDS
    if unknown:
        raise RuleViolation(
            _("%(field)s cannot be changed here.") % {"field": ", ".join(sorted(unknown))},
            field=sorted(unknown)[0],
        )
    for flag in HOUSEHOLD_FLAGS:
        if flag in values:
            setattr(household, flag, bool(values[flag]))
    if "homes_count" in values:
        count = values["homes_count"]
        if isinstance(count, bool) or not isinstance(count, int) or not 0 <= count <= 99:
            raise RuleViolation(_("Enter the number of homes."), field="homes_count")
        household.homes_count = count
    if "homes_area_m2" in values:
        try:
            area = Decimal(str(values["homes_area_m2"] or 0)).quantize(Decimal("0.01"))
        except (InvalidOperation, ValueError):
            raise RuleViolation(
                _("Enter the home area in square metres."), field="homes_area_m2"
            ) from None
        if not Decimal(0) <= area < Decimal("1000000"):
            raise RuleViolation(_("Enter the home area in square metres."), field="homes_area_m2")
        household.homes_area_m2 = area
    if "notes" in values:
        household.notes = str(values["notes"] or "").strip()[:2000]
    if "region_code" in values or not household.region_code:
        household.region_code = _region_code(
            values.get("region_code"), household.worker.region_code or household.org.region_code
        )


def _household_state(household: Household) -> dict[str, Any]:
    return {name: getattr(household, name) for name in sorted(HOUSEHOLD_FIELDS)}


@transaction.atomic
def create_household(worker: Worker, *, by, **facts) -> Household:
    """Open the household (一户) of a worker, with the worker as its first member (本人)."""
    worker = _lock_worker(worker)
    _require(by, rules.REGISTER_ROLES, worker.org)
    if worker.merged_into_id:
        raise RuleViolation(
            _("This record was merged into another; change that one."), code="merged"
        )
    if Household.objects.filter(worker=worker).exists():
        raise RuleViolation(_("This worker already has a household."), field="household")
    household = Household(org=worker.org, worker=worker)
    _apply_household_values(household, facts)
    household.save()
    member = HouseholdMember(household=household, relation=HouseholdMember.Relation.SELF)
    _copy_worker_to_member(worker, member)
    member.save()
    record_event(
        household,
        "household.created",
        by=by,
        changes={
            k: str(v) if isinstance(v, Decimal) else v
            for k, v in _household_state(household).items()
        },
    )
    return household


@transaction.atomic
def update_household(household: Household, *, by, **facts) -> Household:
    """Record the household's housing, car and other exclusion facts (DOMAIN.md "Exclusions")."""
    household = (
        Household.objects.select_for_update().select_related("org", "worker").get(pk=household.pk)
    )
    _require(by, rules.REGISTER_ROLES, household.org)
    before = _household_state(household)
    _apply_household_values(household, facts)
    household.save()
    changes = _diff(before, _household_state(household))
    if changes:
        record_event(household, "household.updated", by=by, changes=changes)
    return household


def _copy_worker_to_member(worker: Worker, member: HouseholdMember) -> None:
    member.name = worker.name
    member.gender = worker.gender
    member.birth_date = worker.birth_date
    member.id_number_encrypted = worker.id_number_encrypted
    member.id_number_index = worker.id_number_index
    member.id_number_masked = worker.id_number_masked


def _sync_self_member(worker: Worker) -> None:
    """Keep the household's 本人 row in step with the worker's name, ID and birth date."""
    member = HouseholdMember.objects.filter(
        household__worker=worker, relation=HouseholdMember.Relation.SELF
    ).first()
    if member is not None:
        _copy_worker_to_member(worker, member)
        member.save(
            update_fields=[
                "name",
                "gender",
                "birth_date",
                "id_number_encrypted",
                "id_number_index",
                "id_number_masked",
            ]
        )


def _apply_member_values(
    member: HouseholdMember, values: dict[str, Any], household: Household
) -> None:
    unknown = set(values) - MEMBER_FIELDS
    if unknown:
        raise RuleViolation(
            _("%(field)s cannot be changed here.") % {"field": ", ".join(sorted(unknown))},
            field=sorted(unknown)[0],
        )
    is_self = member.relation == HouseholdMember.Relation.SELF
    if "relation" in values and values["relation"] != member.relation:
        if (
            is_self
            or values["relation"] not in HouseholdMember.Relation.values
            or values["relation"] == HouseholdMember.Relation.SELF
        ):
            raise RuleViolation(_("Choose the member's relation to the worker."), field="relation")
        member.relation = values["relation"]
    if is_self and set(values) & {"name", "id_number", "birth_date", "gender"}:
        raise RuleViolation(
            _("The worker's own name, ID number and birth date are changed on the worker."),
            field="name",
        )
    if "name" in values:
        member.name = _text(
            values["name"], "name", 50, required_message=_("Please enter the member's name.")
        )
    parsed = _id_number(values.get("id_number"))
    if parsed is not None:
        index = blind_index(parsed.number, purpose=PURPOSE_ID_NUMBER)
        if household.members.exclude(pk=member.pk).filter(id_number_index=index).exists():
            raise RuleViolation(
                _("This ID number is already a member of this household."), field="id_number"
            )
        _set_id_number(member, parsed)
    if not member.id_number_index:
        if "gender" in values:
            member.gender = _gender(values["gender"])
        if "birth_date" in values:
            member.birth_date = _date(
                values["birth_date"], "birth_date", not_after=timezone.localdate()
            )
    for name, limit in (("health", 100), ("disability", 50)):
        if name in values:
            setattr(member, name, _text(values[name], name, limit))
    if "school_stage" in values:
        stage = str(values["school_stage"] or "")
        if stage not in HouseholdMember.SchoolStage.values:
            raise RuleViolation(_("Choose a school stage."), field="school_stage")
        member.school_stage = stage
    for flag in ("is_able_bodied", "is_employed"):
        if flag in values:
            setattr(member, flag, bool(values[flag]))
    for name in MONEY_FIELDS:
        if name in values:
            setattr(member, name, _fen(values[name], name))
    if not member.name:
        raise RuleViolation(_("Please enter the member's name."), field="name")
    if not member.relation:
        raise RuleViolation(_("Choose the member's relation to the worker."), field="relation")
    # A child's ID number is a child's personal information (PIPL art. 31): only with the
    # guardian's recorded consent.
    if (
        parsed is not None
        and rules.is_child(member.birth_date, timezone.localdate())
        and not has_consent(household.worker, Consent.Scope.CHILD)
    ):
        raise RuleViolation(
            _(
                "Record the guardian's consent for a child's data before entering the child's ID number."
            ),
            field="id_number",
        )


def _member_state(member: HouseholdMember) -> dict[str, Any]:
    state = {name: getattr(member, name) for name in sorted(MEMBER_FIELDS - {"id_number"})}
    state["id_number"] = member.id_number_index  # redacted by record_event
    return state


@transaction.atomic
def add_member(household: Household, *, by, **values) -> HouseholdMember:
    """Add a family member with the 12-month incomes and costs (in 分) used for the
    per-capita income. Union aid goes into transfer income; festival gifts are left out."""
    household = (
        Household.objects.select_for_update().select_related("org", "worker").get(pk=household.pk)
    )
    _require(by, rules.REGISTER_ROLES, household.org)
    if values.get("relation") == HouseholdMember.Relation.SELF:
        raise RuleViolation(
            _("The worker is already the household's first member."), field="relation"
        )
    member = HouseholdMember(household=household, relation=values.get("relation") or "")
    _apply_member_values(
        member, {key: value for key, value in values.items() if key != "relation"}, household
    )
    member.save()
    record_event(
        household,
        "household.member_added",
        by=by,
        changes={"member": member.pk, **_diff({}, _member_state(member))},
    )
    return member


@transaction.atomic
def update_member(member: HouseholdMember, *, by, **values) -> HouseholdMember:
    member = (
        HouseholdMember.objects.select_for_update()
        .select_related("household__org", "household__worker")
        .get(pk=member.pk)
    )
    household = member.household
    _require(by, rules.REGISTER_ROLES, household.org)
    before = _member_state(member)
    _apply_member_values(member, values, household)
    member.save()
    changes = _diff(before, _member_state(member))
    if changes:
        record_event(
            household, "household.member_changed", by=by, changes={"member": member.pk, **changes}
        )
    return member


@transaction.atomic
def remove_member(member: HouseholdMember, *, by) -> None:
    member = (
        HouseholdMember.objects.select_for_update()
        .select_related("household__org")
        .get(pk=member.pk)
    )
    household = member.household
    _require(by, rules.REGISTER_ROLES, household.org)
    if member.relation == HouseholdMember.Relation.SELF:
        raise RuleViolation(
            _("The worker cannot be removed from their own household."), field="member"
        )
    record_event(
        household,
        "household.member_removed",
        by=by,
        changes={"member": member.pk, "name": member.name, "relation": member.relation},
    )
    member.delete()


# ---- Transfers (转移) --------------------------------------------------------------------------


@transaction.atomic
def request_transfer(
    worker: Worker, *, by, reason: str, to_org: Org | None = None
) -> TransferRequest:
    """Ask the union keeping a worker's record to move it to the requester's union.

    The caller found the record by typing its full ID number (registration refused as a
    duplicate, or the transfer API), so no other record can be asked for.
    """
    to_org = to_org or getattr(by, "org", None)
    _require(by, rules.REGISTER_ROLES, to_org)
    worker = _lock_worker(worker)
    if worker.merged_into_id:
        raise RuleViolation(
            _("This record was merged into another; change that one."), code="merged"
        )
    if in_scope(by, worker.org):
        raise RuleViolation(_("This record is already kept in your area."), field="worker")
    reason = _text(
        reason, "reason", 200, required_message=_("Say why the record should move to your union.")
    )
    if TransferRequest.objects.filter(
        worker=worker, status=TransferRequest.Status.PENDING
    ).exists():
        raise RuleViolation(
            _("A transfer of this record is already waiting for a decision."), field="worker"
        )
    transfer = TransferRequest.objects.create(
        worker=worker, from_org=worker.org, to_org=to_org, reason=reason, requested_by=by
    )
    record_event(
        worker,
        "worker.transfer_requested",
        by=by,
        changes={
            "transfer": transfer.pk,
            "from_org": worker.org.name,
            "to_org": to_org.name,
            "reason": reason,
        },
    )
    return transfer


def _decide(transfer: TransferRequest, by, note: str) -> tuple[TransferRequest, Worker]:
    transfer = (
        TransferRequest.objects.select_for_update()
        .select_related("from_org", "to_org")
        .get(pk=transfer.pk)
    )
    worker = _lock_worker(transfer.worker)
    _require(by, rules.DECIDE_TRANSFER_ROLES, transfer.from_org)
    if transfer.status != TransferRequest.Status.PENDING:
        raise RuleViolation(_("This transfer has already been decided."), field="transfer")
    transfer.decided_by = by
    transfer.decided_at = timezone.now()
    transfer.decision_note = _text(note, "note", 200)
    return transfer, worker


@transaction.atomic
def accept_transfer(transfer: TransferRequest, *, by, note: str = "") -> TransferRequest:
    """The owning union accepts: the worker's record, and its household, move to the requester."""
    transfer, worker = _decide(transfer, by, note)
    if worker.org_id != transfer.from_org_id:
        raise RuleViolation(
            _("The record has moved since the request; ask again."), field="transfer"
        )
    worker.org = transfer.to_org
    worker.save(update_fields=["org", "updated_at"])
    Household.objects.filter(worker=worker).update(org=transfer.to_org, updated_at=timezone.now())
    transfer.status = TransferRequest.Status.ACCEPTED
    transfer.save()
    signals.worker_transferred.send(
        sender=Worker,
        worker=worker,
        from_org=transfer.from_org,
        to_org=transfer.to_org,
        transfer=transfer,
        by=by,
    )
    record_event(
        worker,
        "worker.transferred",
        by=by,
        org=transfer.from_org,
        changes={
            "transfer": transfer.pk,
            "org": [transfer.from_org.name, transfer.to_org.name],
            "note": transfer.decision_note,
        },
    )
    return transfer


@transaction.atomic
def decline_transfer(transfer: TransferRequest, *, by, note: str = "") -> TransferRequest:
    """The owning union declines; the record stays where it is."""
    transfer, worker = _decide(transfer, by, note)
    transfer.status = TransferRequest.Status.DECLINED
    transfer.save()
    record_event(
        worker,
        "worker.transfer_declined",
        by=by,
        changes={
            "transfer": transfer.pk,
            "to_org": transfer.to_org.name,
            "note": transfer.decision_note,
        },
    )
    return transfer


# ---- Possible duplicates (疑似重复) ------------------------------------------------------------

MAX_COMPARED = 200  # records compared per worker; blocking keeps this far from reached


def _facts(worker: Worker) -> rules.PersonFacts:
    return rules.PersonFacts(
        worker.name,
        worker.name_pinyin,
        worker.birth_date,
        worker.phone,
        worker.address,
        worker.has_id_number,
    )


def find_possible_duplicates(worker: Worker) -> list[DuplicateCandidate]:
    """Compare a worker with records sharing its name pinyin, birth date or phone (each an
    index), score each pair (rules.duplicate_score) and queue those above the threshold.

    Pairs already decided are not queued again; an open pair gets its new score. Runs inside
    the caller's transaction (register_worker, update_worker).
    """
    if worker.merged_into_id:
        return []
    block = Q()
    if worker.name_pinyin:
        block |= Q(name_pinyin=worker.name_pinyin)
    if worker.birth_date:
        block |= Q(birth_date=worker.birth_date)
    if worker.phone:
        block |= Q(phone=worker.phone)
    if not block:
        return []
    others = list(
        Worker.objects.filter(block, merged_into__isnull=True)
        .exclude(pk=worker.pk)
        .select_related("org")[:MAX_COMPARED]
    )
    known = {
        (pair.worker_id, pair.other_id): pair
        for pair in DuplicateCandidate.objects.filter(Q(worker=worker) | Q(other=worker))
    }
    queued = []
    mine = _facts(worker)
    for other in others:
        result = rules.duplicate_score(mine, _facts(other))
        if not result.is_candidate:
            continue
        first, second = rules.ordered_pair(worker.pk, other.pk)
        pair = known.get((first, second))
        if pair is not None:
            if pair.status == DuplicateCandidate.Status.OPEN and pair.score != result.score:
                pair.score, pair.reasons = result.score, result.reasons
                pair.save(update_fields=["score", "reasons"])
            continue
        pair = DuplicateCandidate.objects.create(
            worker_id=first, other_id=second, score=result.score, reasons=result.reasons
        )
        record_event(
            pair,
            "duplicate.queued",
            org=worker.org,
            changes={"workers": [first, second], "score": str(result.score)},
        )
        queued.append(pair)
    return queued


def _lock_candidate(candidate: DuplicateCandidate, by) -> tuple[DuplicateCandidate, Worker, Worker]:
    candidate = DuplicateCandidate.objects.select_for_update().get(pk=candidate.pk)
    first = _lock_worker(candidate.worker)
    second = _lock_worker(candidate.other)
    if not (may(by, rules.REVIEW_DUPLICATE_ROLES, first.org) and in_scope(by, second.org)):
        raise PermissionDenied
    candidate.decided_by = by
    candidate.decided_at = timezone.now()
    return candidate, first, second


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def _restore(worker: Worker, name: str, value: Any) -> None:
    """Set a field from its snapshot (JSON) value; `name` may be an attname such as employer_id."""
    if value is not None and Worker._meta.get_field(name).get_internal_type() == "DateField":
        value = datetime.date.fromisoformat(value)
    setattr(worker, name, value)


# Fields a merge copies from the merged record when the kept one has none; the ID and bank
# groups move whole.
FILLABLE_FIELDS = (
    "phone",
    "address",
    "region_code",
    "employer_id",
    "union_id",
    "joined_union_on",
    "member_card_number",
    "bank_name",
)


@transaction.atomic
def merge_duplicates(
    candidate: DuplicateCandidate, *, keep: Worker, by, note: str = ""
) -> DuplicateCandidate:
    """Merge a pair: the kept record takes what only the other has (ID and bank numbers,
    phone, address…), its consents, household and occupations; the other is marked merged
    into it and disappears from every list. A snapshot of every change is stored, so
    `unmerge` can restore both records."""
    candidate, first, second = _lock_candidate(candidate, by)
    if candidate.status not in (DuplicateCandidate.Status.OPEN, DuplicateCandidate.Status.UNMERGED):
        raise RuleViolation(_("This pair has already been decided."), field="candidate")
    if keep.pk not in (first.pk, second.pk):
        raise RuleViolation(_("Choose one of the two records to keep."), field="keep")
    kept, merged = (first, second) if keep.pk == first.pk else (second, first)
    if kept.merged_into_id or merged.merged_into_id:
        raise RuleViolation(
            _("One of the records was merged into another since; review that one."),
            field="candidate",
        )
    kept_household = Household.objects.filter(worker=kept).first()
    merged_household = Household.objects.filter(worker=merged).first()
    if kept_household and merged_household:
        raise RuleViolation(
            _("Both records have a household; move the members into one household before merging."),
            field="candidate",
        )
    if TransferRequest.objects.filter(
        worker=merged, status=TransferRequest.Status.PENDING
    ).exists():
        raise RuleViolation(
            _("A transfer of the record to merge is waiting; decide it first."), field="candidate"
        )

    filled: dict[str, Any] = {}
    for name in FILLABLE_FIELDS:
        if not getattr(kept, name) and getattr(merged, name):
            filled[name] = getattr(merged, name)
    if not kept.gender and merged.gender:
        filled["gender"] = merged.gender
    if not kept.birth_date and merged.birth_date:
        filled["birth_date"] = merged.birth_date
    merged_cleared: dict[str, Any] = {}
    for group in (ID_FIELDS, BANK_FIELDS):
        if not getattr(kept, group[0]) and getattr(merged, group[0]):
            for name in group:
                filled[name] = getattr(merged, name)
                merged_cleared[name] = getattr(merged, name)
    if "id_number_index" in filled:  # the ID decides gender and birth date
        filled["gender"], filled["birth_date"] = merged.gender, merged.birth_date
    snapshot = {
        "kept": kept.pk,
        "merged": merged.pk,
        "kept_before": {name: _jsonable(getattr(kept, name)) for name in filled},
        "kept_after": {name: _jsonable(value) for name, value in filled.items()},
        "merged_before": {name: _jsonable(value) for name, value in merged_cleared.items()},
        "consents": list(Consent.objects.filter(worker=merged).values_list("pk", flat=True)),
        "household": merged_household.pk if merged_household else None,
        "household_org": merged_household.org_id if merged_household else None,
        "occupations": sorted(
            set(merged.occupations.values_list("pk", flat=True))
            - set(kept.occupations.values_list("pk", flat=True))
        ),
    }
    for name in merged_cleared:
        setattr(merged, name, "")
    merged.merged_into = kept
    merged.save()
    for name, value in filled.items():
        setattr(kept, name, value)
    kept.save()
    Consent.objects.filter(pk__in=snapshot["consents"]).update(worker=kept)
    if merged_household:
        Household.objects.filter(pk=merged_household.pk).update(
            worker=kept, org=kept.org, updated_at=timezone.now()
        )
    kept.occupations.add(*snapshot["occupations"])
    _sync_self_member(kept)
    candidate.status = DuplicateCandidate.Status.MERGED
    candidate.merge_snapshot = snapshot
    candidate.decision_note = _text(note, "note", 200)
    candidate.save()
    record_event(
        candidate,
        "duplicate.merged",
        by=by,
        org=kept.org,
        changes={
            "kept": kept.pk,
            "merged": merged.pk,
            "filled": sorted(filled),
            "note": candidate.decision_note,
        },
    )
    return candidate


@transaction.atomic
def unmerge(candidate: DuplicateCandidate, *, by, note: str = "") -> DuplicateCandidate:
    """Undo a merge from its snapshot: the merged record comes back with its numbers, consents,
    household and occupations. A field of the kept record edited since the merge keeps the edit."""
    candidate, first, second = _lock_candidate(candidate, by)
    if candidate.status != DuplicateCandidate.Status.MERGED:
        raise RuleViolation(_("Only a merged pair can be unmerged."), field="candidate")
    snapshot = candidate.merge_snapshot
    kept, merged = (first, second) if first.pk == snapshot["kept"] else (second, first)
    kept_edits = [
        name
        for name in snapshot["kept_before"]
        if _jsonable(getattr(kept, name)) != snapshot["kept_after"][name]
    ]
    if any(name in kept_edits for name in ID_FIELDS):
        raise RuleViolation(
            _(
                "The kept record's ID number was changed after the merge; it cannot be undone automatically."
            ),
            field="candidate",
        )
    for name, before in snapshot["kept_before"].items():
        if name not in kept_edits:
            _restore(kept, name, before)
    kept.save()
    for name, before in snapshot["merged_before"].items():
        _restore(merged, name, before)
    merged.merged_into = None
    merged.save()
    Consent.objects.filter(pk__in=snapshot["consents"], worker=kept).update(worker=merged)
    if snapshot["household"]:
        Household.objects.filter(pk=snapshot["household"], worker=kept).update(
            worker=merged, org_id=snapshot["household_org"], updated_at=timezone.now()
        )
    kept.occupations.remove(*snapshot["occupations"])
    _sync_self_member(kept)
    _sync_self_member(merged)
    candidate.status = DuplicateCandidate.Status.UNMERGED
    candidate.decision_note = _text(note, "note", 200)
    candidate.save()
    record_event(
        candidate,
        "duplicate.unmerged",
        by=by,
        org=kept.org,
        changes={
            "kept": kept.pk,
            "merged": merged.pk,
            "kept_edits": kept_edits,
            "note": candidate.decision_note,
        },
    )
    return candidate


@transaction.atomic
def keep_apart(candidate: DuplicateCandidate, *, by, note: str = "") -> DuplicateCandidate:
    """Decide the pair is two different people; it is not queued again."""
    candidate, first, second = _lock_candidate(candidate, by)
    if candidate.status not in (DuplicateCandidate.Status.OPEN, DuplicateCandidate.Status.UNMERGED):
        raise RuleViolation(_("This pair has already been decided."), field="candidate")
    candidate.status = DuplicateCandidate.Status.DISTINCT
    candidate.decision_note = _text(note, "note", 200)
    candidate.save()
    record_event(
        candidate,
        "duplicate.kept_apart",
        by=by,
        org=first.org,
        changes={"workers": [first.pk, second.pk], "note": candidate.decision_note},
    )
    return candidate


# ---- Key rotation -----------------------------------------------------------------------------

# (model, encrypted column) pairs holding tokens of core.crypto.
ENCRYPTED_COLUMNS = (
    (Worker, "id_number_encrypted"),
    (Worker, "bank_account_encrypted"),
    (HouseholdMember, "id_number_encrypted"),
)


def reencrypt_personal_numbers(
    *, batch_size: int = 1000, actor_label: str = "rotate_field_keys"
) -> dict[str, int]:
    """Re-seal every stored ID and bank number still under an old field key with the current one.

    Runs in batches, each its own transaction, so it can be stopped and run again: rows already
    under the current key are skipped. Blind indexes do not change (their key never rotates in
    place). One audit event per run records how many values moved, never the values.
    """
    prefix = f"{current_key_id()}:"
    counts: dict[str, int] = {}
    for model, column in ENCRYPTED_COLUMNS:
        label = f"{model._meta.label_lower}.{column}"
        counts[label] = 0
        while True:
            with transaction.atomic():
                rows = list(
                    model.objects.select_for_update()
                    .exclude(**{column: ""})
                    .exclude(**{f"{column}__startswith": prefix})
                    .values_list("pk", column)[:batch_size]
                )
                for pk, token in rows:
                    model.objects.filter(pk=pk, **{column: token}).update(**{column: rotate(token)})
            counts[label] += len(rows)
            if len(rows) < batch_size:
                break
    with transaction.atomic():
        record_event(
            None,
            "personal_data.reencrypted",
            actor_label=actor_label,
            changes={"key": current_key_id(), "rows": counts},
        )
    return counts
