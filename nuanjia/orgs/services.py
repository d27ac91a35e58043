"""Every write to unions, staff accounts and roles."""

import csv
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from nuanjia.core import cache
from nuanjia.core.actors import Actor
from nuanjia.core.audit import diff, record_event
from nuanjia.core.codes import validate_credit_code
from nuanjia.core.errors import RuleViolation
from nuanjia.core.masking import mask_phone

from .models import Org, RoleAssignment, Staff
from .rules import ADMIN_ROLES, Perm, Role, actor_can, role_conflict
from .signals import staff_credentials_changed

DIVISIONS_CSV = Path(__file__).parent / "data" / "henan_divisions.csv"
PROVINCE_UNION_NAME = "河南省总工会"
# 济源 is administered by the province and its union is city-level in the union tree.
CITY_UNION_NAMES = {"419001": "济源产城融合示范区总工会"}
HOLDING_POOL_SUFFIX = "-P"


@dataclass(frozen=True)
class Division:
    code: str
    name: str
    parent_code: str
    city_name: str
    kind: str


def read_divisions(path: Path = DIVISIONS_CSV) -> list[Division]:
    """The GB/T 2260 divisions file, parents before children."""
    with path.open(encoding="utf-8") as handle:
        rows = [
            Division(row["code"], row["name"], row["city_code"], row["city_name"], row["kind"])
            for row in csv.DictReader(handle)
        ]
    for division in rows:
        if division.kind.startswith("city-level"):
            # 济源 lists itself as its own city; in the union tree it hangs from the province.
            object.__setattr__(division, "parent_code", "410000")
    rank = {"province": 0, "city": 1}
    return sorted(
        rows,
        key=lambda division: (
            rank.get(division.kind, 1 if division.kind.startswith("city") else 2),
            division.code,
        ),
    )


def union_name_for(division: Division) -> str:
    """The union's usual name; districts carry their city's name (开封市鼓楼区总工会)."""
    if division.kind == "province":
        return PROVINCE_UNION_NAME
    if division.kind == "district":
        return f"{division.city_name}{division.name}总工会"
    return CITY_UNION_NAMES.get(division.code, f"{division.name}总工会")


def org_kind_for(division: Division) -> str:
    if division.kind == "province":
        return Org.Kind.PROVINCE
    if division.kind == "city" or division.kind.startswith("city-level"):
        return Org.Kind.CITY
    return Org.Kind.COUNTY


def _ensure_org(
    code: str,
    *,
    name: str,
    kind: str,
    parent: Org | None,
    region_code: str,
    division_kind: str = "",
) -> tuple[Org, bool]:
    """Create the org if missing, or bring it in line with the reference data; report a change."""
    wanted = {
        "name": name,
        "kind": kind,
        "parent": parent,
        "region_code": region_code,
        "division_kind": division_kind,
    }
    org = Org.objects.filter(code=code).first()
    if org is None:
        org = Org(code=code, **wanted)
        org.save()
        return org, True
    before = {field: getattr(org, field) for field in wanted}
    if before == wanted:
        return org, False
    for field, value in wanted.items():
        setattr(org, field, value)
    org.save()
    return org, True


@transaction.atomic
def load_union_tree(*, by: Actor | None = None, path: Path = DIVISIONS_CSV) -> int:
    """Create or update the province → city → county union tree and each county's holding pool.

    Idempotent: a second run changes nothing and records nothing. Returns the number of
    unions created or changed.
    """
    changed = 0
    by_code: dict[str, Org] = {}
    for division in read_divisions(path):
        parent = by_code.get(division.parent_code) if division.parent_code else None
        org, was_changed = _ensure_org(
            division.code,
            name=union_name_for(division),
            kind=org_kind_for(division),
            parent=parent,
            region_code=division.code,
            division_kind=division.kind,
        )
        by_code[division.code] = org
        if was_changed:
            changed += 1
            record_event(org, "org.loaded", by=by, changes={"code": org.code, "name": org.name})
        has_counties = org.kind == Org.Kind.COUNTY or division.code in CITY_UNION_NAMES
        if has_counties:
            pool, pool_changed = _ensure_org(
                division.code + HOLDING_POOL_SUFFIX,
                name=f"{org.name}集中入会池",
                kind=Org.Kind.HOLDING_POOL,
                parent=org,
                region_code=division.code,
            )
            if pool_changed:
                changed += 1
                record_event(
                    pool, "org.loaded", by=by, changes={"code": pool.code, "name": pool.name}
                )
    if changed:
        cache.bump(Org)
    return changed


def next_grassroots_code(parent: Org) -> str:
    """Grassroots unions are numbered within their region: 410108-0001, 410108-0002…"""
    prefix = f"{parent.region_code}-"
    codes = (
        Org.objects.filter(code__startswith=prefix)
        .exclude(code__endswith=HOLDING_POOL_SUFFIX)
        .values_list("code", flat=True)
    )
    numbers = [int(code[len(prefix) :]) for code in codes if code[len(prefix) :].isdigit()]
    return f"{prefix}{max(numbers, default=0) + 1:04d}"


def check_grassroots_fields(
    *, parent: Org, name: str, kind: str, credit_code: str, instance: Org | None = None
) -> str:
    """Validate a grassroots union's fields; return the normalized credit code.

    Raises RuleViolation naming the field at fault.
    """
    if kind not in Org.GRASSROOTS_KINDS:
        raise RuleViolation(
            _("Choose a grassroots kind (enterprise, industry, university, hospital, community)."),
            field="kind",
        )
    if parent.kind == Org.Kind.HOLDING_POOL:
        raise RuleViolation(_("A holding pool cannot have unions under it."), field="parent")
    if not name.strip():
        raise RuleViolation(_("The name is required."), field="name")
    siblings = Org.objects.filter(parent=parent, name=name.strip())
    if instance is not None:
        siblings = siblings.exclude(pk=instance.pk)
    if siblings.exists():
        raise RuleViolation(
            _("%(parent)s already has a union named %(name)s.")
            % {"parent": parent.name, "name": name},
            field="name",
        )
    if not credit_code:
        return ""
    try:
        code = validate_credit_code(credit_code)
    except ValidationError as error:
        raise RuleViolation(error.messages[0], field="credit_code") from error
    taken = Org.objects.filter(credit_code=code)
    if instance is not None:
        taken = taken.exclude(pk=instance.pk)
    if taken.exists():
        raise RuleViolation(
            _("Another union already uses the credit code %(code)s.") % {"code": code},
            field="credit_code",
        )
    return code


@transaction.atomic
def create_grassroots_union(
    *, parent: Org, name: str, kind: str, credit_code: str = "", by: Actor | None
) -> Org:
    """Register a grassroots union under `parent` (which the actor must be able to see)."""
    credit_code = check_grassroots_fields(
        parent=parent, name=name, kind=kind, credit_code=credit_code
    )
    org = Org(
        code=next_grassroots_code(parent),
        name=name.strip(),
        kind=kind,
        parent=parent,
        region_code=parent.region_code,
        credit_code=credit_code,
    )
    org.save()
    record_event(
        org,
        "org.created",
        by=by,
        changes={"name": org.name, "kind": kind, "parent": parent.code, "credit_code": credit_code},
    )
    cache.bump(Org)
    return org


@transaction.atomic
def update_grassroots_union(
    org: Org, *, name: str, kind: str, credit_code: str = "", is_active: bool = True, by: Actor
) -> Org:
    if not org.is_grassroots:
        raise RuleViolation(
            _(
                "Only grassroots unions can be edited here; the federation tree follows the division codes."
            )
        )
    if org.parent is None:
        raise ValueError("a grassroots union always sits below a federation")
    credit_code = check_grassroots_fields(
        parent=org.parent, name=name, kind=kind, credit_code=credit_code, instance=org
    )
    before = {
        "name": org.name,
        "kind": org.kind,
        "credit_code": org.credit_code,
        "is_active": org.is_active,
    }
    after = {"name": name.strip(), "kind": kind, "credit_code": credit_code, "is_active": is_active}
    changes = diff(before, after)
    if not changes:
        return org
    for field, value in after.items():
        setattr(org, field, value)
    org.save()
    record_event(org, "org.updated", by=by, changes=changes)
    cache.bump(Org)
    return org


# --- staff accounts (系统管理员) -------------------------------------------------------


def _check_password(password: str, user: Staff | None = None) -> None:
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise RuleViolation(" ".join(error.messages), field="password") from error


@transaction.atomic
def create_staff(
    *,
    org: Org,
    username: str,
    full_name: str,
    password: str,
    phone: str = "",
    by: Actor | None,
    password_hash: str = "",
) -> Staff:
    """Open a staff account in `org`. Roles are granted separately by a security administrator.

    An administrator's initial password must be changed at the first sign-in (`by` None: the
    operator's own accounts, such as the demo's, keep the password they are given).
    `password_hash`: Django's `make_password(password)`, made once by the operator for many
    accounts of the one password (the demo's); hashing is slow on purpose.
    """
    username = username.strip()
    if not username:
        raise RuleViolation(_("The user name is required."), field="username")
    if Staff.objects.filter(username__iexact=username).exists():
        raise RuleViolation(
            _("The user name %(name)s is taken.") % {"name": username}, field="username"
        )
    staff = Staff(org=org, username=username, full_name=full_name.strip(), phone=phone.strip())  # type: ignore[misc]  # a sealed-phone property (core.sealed_phones)
    _check_password(password, staff)
    if password_hash and by is None:
        staff.password = password_hash
    else:
        staff.set_password(password)
    staff.password_changed_at = timezone.now()
    staff.must_change_password = by is not None
    staff.enrolment_code_required = by is not None
    staff.save()
    record_event(
        staff,
        "staff.created",
        by=by,
        changes={"username": username, "full_name": staff.full_name, "org": org.code},
    )
    return staff


def check_may_take_over(staff: Staff, by: Actor | None) -> None:
    """三权分立: the system administrator may not reset, deactivate or move the account of a
    security or audit administrator — that would hand them the other roles' powers. Those
    accounts are recovered at the command line (`nuanjia manage changepassword`), by the operator.
    """
    if by is None:
        return
    guarded = (set(staff.roles) & ADMIN_ROLES) - {Role.SYSTEM_ADMIN}
    if guarded and staff.pk != by.pk:
        raise RuleViolation(
            _(
                "A security or audit administrator's account cannot be reset or changed here; the operator does it at the command line."
            )
        )


@transaction.atomic
def update_staff(
    staff: Staff, *, full_name: str, phone: str, org: Org, is_active: bool, by: Actor
) -> Staff:
    check_may_take_over(staff, by)
    if staff.pk == by.pk and not is_active:
        raise RuleViolation(_("You cannot deactivate your own account."), field="is_active")
    before = {
        "full_name": staff.full_name,
        "phone": staff.phone,
        "org": staff.org.code if staff.org else None,
        "is_active": staff.is_active,
    }
    after = {
        "full_name": full_name.strip(),
        "phone": phone.strip(),
        "org": org.code,
        "is_active": is_active,
    }
    changes = diff(before, after)
    if not changes:
        return staff
    if "phone" in changes:  # personal: the audit trail shows it masked
        changes["phone"] = [mask_phone(number) for number in changes["phone"]]
    staff.full_name, staff.phone, staff.org, staff.is_active = (
        full_name.strip(),
        phone.strip(),
        org,
        is_active,
    )
    staff.save()
    record_event(staff, "staff.updated", by=by, changes=changes)
    if "org" in changes or "is_active" in changes:
        staff_credentials_changed.send(Staff, staff=staff, reason="account_changed", by=by)
    return staff


def _has_authenticator(staff: Staff) -> bool:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return bool(TOTPDevice.objects.filter(user=staff, confirmed=True).exists())


def _refuse_both_factors(message: str) -> None:
    raise RuleViolation(
        message
        + " "
        + _(
            "An administrator cannot reset both sign-in factors of one account; the operator "
            "does it at the command line."
        )
    )


@transaction.atomic
def reset_staff_password(staff: Staff, *, password: str, by: Actor | None) -> Staff:
    """Give the account a temporary password; unlock it and end its API tokens.

    The temporary password only opens the change-password page (`must_change_password`), and an
    account with two factors still asks for the user's authenticator code first: the
    administrator who typed it gets no usable session. So the password of an account whose
    second factor is reset and not yet enrolled again is not reset here — both together would
    hand the account to the administrator.
    """
    check_may_take_over(staff, by)
    if by is not None and staff.needs_two_factor and not _has_authenticator(staff):
        _refuse_both_factors(_("This account has no authenticator enrolled."))
    _check_password(password, staff)
    staff.set_password(password)
    staff.password_changed_at = timezone.now()
    staff.must_change_password = by is not None
    staff.failed_login_count = 0
    staff.locked_until = None
    staff.save(
        update_fields=[
            "password",
            "password_changed_at",
            "must_change_password",
            "failed_login_count",
            "locked_until",
        ]
    )
    record_event(staff, "staff.password_reset", by=by, changes={"password": "reset"})
    staff_credentials_changed.send(Staff, staff=staff, reason="password_reset", by=by)
    return staff


@transaction.atomic
def unlock_staff(staff: Staff, *, by: Actor) -> Staff:
    staff.failed_login_count = 0
    staff.locked_until = None
    staff.save(update_fields=["failed_login_count", "locked_until"])
    record_event(staff, "staff.unlocked", by=by)
    return staff


@transaction.atomic
def reset_two_factor(staff: Staff, *, by: Actor | None) -> Staff:
    """Remove the account's TOTP devices; it enrols again at next login.

    Enrolling again needs the account's own password: while that is still a temporary one an
    administrator set (`reset_staff_password`), the authenticator is not removed.
    """
    from django_otp.plugins.otp_totp.models import TOTPDevice

    check_may_take_over(staff, by)
    if by is not None and staff.must_change_password and _has_authenticator(staff):
        _refuse_both_factors(_("Its password is a temporary one an administrator set."))
    removed, _detail = TOTPDevice.objects.filter(user=staff).delete()
    if by is not None:
        _store_enrolment_code(staff, required=True)
    record_event(staff, "staff.two_factor_reset", by=by, changes={"devices_removed": removed})
    return staff


# --- enrolment codes (启用码) ------------------------------------------------------------

ENROLMENT_CODE_DIGITS = 8
ENROLMENT_CODE_HOURS = 72


def _store_enrolment_code(
    staff: Staff, *, required: bool, code_hash: str = "", expires_at: datetime | None = None
) -> None:
    """Write the account's enrolment-code state (the three fields always move together)."""
    staff.enrolment_code_required = required
    staff.enrolment_code_hash = code_hash
    staff.enrolment_code_expires_at = expires_at
    staff.save(
        update_fields=[
            "enrolment_code_required",
            "enrolment_code_hash",
            "enrolment_code_expires_at",
        ]
    )


@transaction.atomic
def issue_enrolment_code(staff: Staff, *, by: Actor) -> str:
    """A one-time code (启用码) the user types before enrolling an authenticator; return it.

    Only a security administrator issues it, never for their own account, so the system
    administrator who opened the account and knows its first password cannot also enrol an
    authenticator of their own (三权分立). A new code replaces the previous one; it lasts
    ENROLMENT_CODE_HOURS hours and only its hash is kept.
    """
    if not actor_can(by, Perm.ASSIGN_ROLES):
        raise RuleViolation(_("Only a security administrator can issue an enrolment code."))
    if staff.pk == by.pk:
        raise RuleViolation(_("You cannot issue an enrolment code for your own account."))
    code = "".join(secrets.choice("0123456789") for _digit in range(ENROLMENT_CODE_DIGITS))
    expires_at = timezone.now() + timedelta(hours=ENROLMENT_CODE_HOURS)
    _store_enrolment_code(
        staff, required=True, code_hash=make_password(code), expires_at=expires_at
    )
    record_event(
        staff,
        "staff.enrolment_code_issued",
        by=by,
        changes={"expires_at": expires_at.isoformat(timespec="minutes")},
    )
    return code


def enrolment_code_matches(staff: Staff, code: str) -> bool:
    """Whether `code` is the account's current, unexpired enrolment code."""
    expires = staff.enrolment_code_expires_at
    if not staff.enrolment_code_hash or expires is None or expires <= timezone.now():
        return False
    return bool(check_password(code.strip(), staff.enrolment_code_hash))


def clear_enrolment_code(staff: Staff) -> None:
    """The authenticator is enrolled: the code is spent and no longer required."""
    _store_enrolment_code(staff, required=False)


# --- roles (安全管理员) -----------------------------------------------------------------


@transaction.atomic
def set_roles(staff: Staff, roles: set[str], *, by: Actor | None) -> Staff:
    """Replace the account's roles.

    三权分立: admin roles stand alone, and nobody changes their own roles.
    """
    if by is not None and not actor_can(by, Perm.ASSIGN_ROLES):
        raise RuleViolation(_("Only a security administrator can assign roles."))
    if by is not None and staff.pk == by.pk:
        raise RuleViolation(_("You cannot change your own roles."), field="roles")
    conflict = role_conflict(roles)
    if conflict:
        raise RuleViolation(conflict, field="roles")
    current = set(staff.role_assignments.values_list("role", flat=True))
    added, removed = set(roles) - current, current - set(roles)
    if not added and not removed:
        return staff
    RoleAssignment.objects.filter(staff=staff, role__in=removed).delete()
    RoleAssignment.objects.bulk_create(
        [
            RoleAssignment(staff=staff, role=role, granted_by_id=by.pk if by else None)
            for role in sorted(added)
        ]
    )
    staff.__dict__.pop("roles", None)
    record_event(
        staff, "staff.roles_changed", by=by, changes={"roles": [sorted(current), sorted(roles)]}
    )
    staff_credentials_changed.send(Staff, staff=staff, reason="roles_changed", by=by)
    return staff
