"""Signing in and out, lockout, two-factor enrolment and API tokens."""

from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.contrib.auth import authenticate, login, logout
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from nuanjia.core import ratelimit
from nuanjia.core.actors import Actor, actor_of
from nuanjia.core.audit import record_event
from nuanjia.core.errors import RuleViolation
from nuanjia.core.middleware import client_ip
from nuanjia.orgs import services as org_services
from nuanjia.orgs.models import Staff
from nuanjia.orgs.permissions import staff_of
from nuanjia.orgs.rules import ADMIN_ROLES

from .middleware import mark_active
from .models import ApiToken, hash_token, new_raw_token


def _record_failed_login(staff: Staff | None, username: str, **changes: object) -> None:
    """Audit one failed sign-in, of an account or of a user name that names none."""
    if staff is None:
        record_event(
            None, "login.failed", success=False, actor_label=username[:150], changes=changes
        )
    else:
        record_event(
            staff,
            "login.failed",
            success=False,
            actor_label=staff.username,
            org=staff.org,
            changes=changes,
        )


def _minutes_left(until: datetime) -> int:
    return max(1, int((until - timezone.now()).total_seconds() + 59) // 60)


# ---- Throttles in core.ratelimit (shared by every server process) ---------------------------


def _window_seconds() -> int:
    return settings.NUANJIA_LOCKOUT_MINUTES * 60


def _address(request: HttpRequest) -> str:
    """The client's address (behind trusted proxies, not the proxy's: core.middleware)."""
    return client_ip(request) or "unknown"


def _refuse_busy_address(request: HttpRequest, username: str) -> None:
    """Refuse every sign-in from an address with too many recent failures (any user names)."""
    window = ratelimit.peek("signin:address", _address(request))
    if window.count < settings.NUANJIA_SIGNIN_FAILURES_PER_ADDRESS:
        return
    _record_failed_login(None, username, reason="address_throttled")
    raise RuleViolation(
        _("Too many failed sign-ins from this address. Try again in %(minutes)d minutes.")
        % {"minutes": settings.NUANJIA_LOCKOUT_MINUTES}
    )


def _unknown_name_locked_until(username: str) -> datetime | None:
    window = ratelimit.peek("signin:ghost-lock", username.lower())
    return _as_time(window.ends_at) if window.count else None


def _as_time(epoch_seconds: float) -> datetime:
    return datetime.fromtimestamp(epoch_seconds, tz=UTC)


def _count_unknown_name(username: str) -> datetime | None:
    """An unknown user name is "locked" like a real account after as many failures, so the
    lock message tells an attacker nothing about which names exist; the count and the lock
    are shared by every server process, as a real account's are. Returns the lock's end."""
    failures = ratelimit.add("signin:ghost", username.lower(), seconds=_window_seconds())
    if failures.count < settings.NUANJIA_LOCKOUT_THRESHOLD:
        return None
    lock = ratelimit.add("signin:ghost-lock", username.lower(), seconds=_window_seconds())
    return _as_time(lock.ends_at)


@transaction.atomic
def register_failed_login(staff: Staff | None, username: str, reason: str) -> Staff | None:
    """Count a failure; the Nth consecutive one locks the account for the lockout period."""
    if staff is None:
        _record_failed_login(None, username, reason=reason)
        return None
    Staff.objects.filter(pk=staff.pk).update(failed_login_count=F("failed_login_count") + 1)
    staff.refresh_from_db(fields=["failed_login_count", "locked_until"])
    changes = {"reason": reason, "failures": staff.failed_login_count}
    locks = staff.failed_login_count >= settings.NUANJIA_LOCKOUT_THRESHOLD
    if locks:
        staff.locked_until = timezone.now() + timedelta(minutes=settings.NUANJIA_LOCKOUT_MINUTES)
        staff.failed_login_count = 0
        staff.save(update_fields=["locked_until", "failed_login_count"])
        changes["locked_until"] = staff.locked_until.isoformat()
    _record_failed_login(staff, username, **changes)
    if locks:
        record_event(
            staff, "account.locked", success=True, actor_label=staff.username, org=staff.org
        )
        revoke_api_tokens(staff, reason="locked", by=None)
    return staff


def _locked_text(until: datetime) -> str:
    return _(
        "This account is locked after too many failed sign-ins. Try again in %(minutes)d minutes "
        "or ask a system administrator."
    ) % {"minutes": _minutes_left(until)}


def locked_message(staff: Staff) -> str:
    """What a locked account is told, with the whole minutes left until it opens again."""
    # A locked account has its lock's end; one that is not locked is told the shortest wait.
    return _locked_text(staff.locked_until or timezone.now())


def sign_in(request: HttpRequest, username: str, password: str) -> Staff:
    """Check the password, honour the lockout, log the user in; raise RuleViolation otherwise.

    The same message answers an unknown user and a wrong password, so accounts cannot be probed.
    While an account is locked its password is not even checked, so the lock gives no oracle.

    For an account that needs a second factor the password alone is not a completed sign-in:
    its failure counter is only reset once the code is given (`verify_second_factor`).
    Otherwise whoever knows the password could sign in again after every 4 wrong codes and
    guess codes without ever being locked out.
    """
    username = (username or "").strip()
    _refuse_busy_address(request, username)
    staff = Staff.objects.filter(username__iexact=username).first()
    ghost_until = _unknown_name_locked_until(username) if staff is None else None
    if ghost_until is not None:
        register_failed_login(None, username, "locked")
        raise RuleViolation(_locked_text(ghost_until))
    if staff is not None and staff.is_locked:
        _record_failed_login(staff, username, reason="locked")
        raise RuleViolation(locked_message(staff))
    user = authenticate(
        request, username=staff.username if staff else username, password=password or ""
    )
    if user is None:
        ratelimit.add("signin:address", _address(request), seconds=_window_seconds())
        ghost_locked = staff is None and _count_unknown_name(username) is not None
        staff = register_failed_login(staff, username, "bad_credentials")
        if ghost_locked or (staff is not None and staff.is_locked):
            raise RuleViolation(
                _("Too many failed sign-ins: this account is locked for %(minutes)d minutes.")
                % {"minutes": settings.NUANJIA_LOCKOUT_MINUTES}
            )
        raise RuleViolation(_("Wrong user name or password."))
    with transaction.atomic():
        login(request, user)
        mark_active(request)
        if user.needs_two_factor:
            # Half-way: the sign-in succeeds when the code is given.
            record_event(user, "login.password_accepted", by=user, org=user.org)
        else:
            _reset_failures(user)
            record_event(user, "login.succeeded", by=user, org=user.org)
    return user


def _reset_failures(staff: Staff) -> None:
    Staff.objects.filter(pk=staff.pk).update(failed_login_count=0, locked_until=None)


def sign_out(request: HttpRequest) -> None:
    user = request.user
    if user.is_authenticated:
        record_event(user, "logout", by=user, org=user.org)
    logout(request)


def confirmed_device(staff: Staff) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=staff, confirmed=True).first()


def pending_device(staff: Staff) -> TOTPDevice:
    """The unconfirmed TOTP device being enrolled, created on first use."""
    device = TOTPDevice.objects.filter(user=staff, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=staff, name=_("Authenticator app"), confirmed=False)
    return device


def _signed_in(request: HttpRequest) -> Staff:
    """The account that gave its password and now gives (or enrols) its second factor."""
    return staff_of(actor_of(request))


def _refuse_if_locked(request: HttpRequest) -> None:
    """Sign out and refuse a half-signed-in session whose account got locked meanwhile."""
    staff = _signed_in(request)
    staff.refresh_from_db(fields=["failed_login_count", "locked_until"])
    if staff.is_locked:
        message = locked_message(staff)
        _record_failed_login(staff, staff.username, reason="locked")
        sign_out(request)
        raise RuleViolation(message, field="code", code="locked")


def verify_second_factor(request: HttpRequest, code: str) -> None:
    """Check a TOTP code against the user's confirmed device and mark the session verified.

    A wrong code counts as a failed sign-in. A locked account is signed out and refused
    before its code is looked at: a session opened with the password before the lock must
    not keep guessing codes during it.
    """
    staff = _signed_in(request)
    _refuse_if_locked(request)
    device = confirmed_device(staff)
    if device is None or not device.verify_token((code or "").strip()):
        _count_failure(request, "bad_totp", field="code")
        raise RuleViolation(_("The verification code is wrong or has expired."), field="code")
    with transaction.atomic():
        _accept_second_factor(request, device)
        _reset_failures(staff)
        record_event(
            staff, "login.succeeded", by=staff, org=staff.org, changes={"second_factor": "totp"}
        )


def _count_failure(request: HttpRequest, reason: str, *, field: str) -> None:
    """Count a wrong code as a failed sign-in; sign out and refuse once that locks the account."""
    staff = _signed_in(request)
    register_failed_login(staff, staff.username, reason)
    staff.refresh_from_db(fields=["locked_until"])
    if staff.is_locked:
        sign_out(request)
        raise RuleViolation(
            _("Too many failed sign-ins: this account is locked for %(minutes)d minutes.")
            % {"minutes": settings.NUANJIA_LOCKOUT_MINUTES},
            field=field,
            code="locked",
        )


ENROLMENT_CODE_SESSION_KEY = "nuanjia_enrolment_code_for"


def enrolment_code_needed(request: HttpRequest) -> bool:
    """Whether this session must give the account's enrolment code (启用码) before it is shown
    an authenticator secret: the account was opened, or its authenticator reset, by an
    administrator (`Staff.enrolment_code_required`)."""
    staff = _signed_in(request)
    return bool(
        staff.enrolment_code_required
        and request.session.get(ENROLMENT_CODE_SESSION_KEY) != staff.pk
    )


def accept_enrolment_code(request: HttpRequest, code: str) -> None:
    """Check the enrolment code a security administrator issued; open enrolment to the session.

    A wrong code counts toward the lockout like a wrong password: eight digits are not to be
    guessed one sign-in after another.
    """
    staff = _signed_in(request)
    _refuse_if_locked(request)
    if not org_services.enrolment_code_matches(staff, code or ""):
        _count_failure(request, "bad_enrolment_code", field="enrolment_code")
        raise RuleViolation(
            _(
                "The enrolment code is wrong or has expired. Ask your security administrator "
                "for a new one."
            ),
            field="enrolment_code",
        )
    request.session[ENROLMENT_CODE_SESSION_KEY] = staff.pk
    request.session.cycle_key()
    record_event(staff, "two_factor.enrolment_code_accepted", by=staff, org=staff.org)


def _accept_second_factor(request: HttpRequest, device: TOTPDevice) -> None:
    """Mark the session verified under a new session key.

    The key a session had before the second factor (seen, perhaps fixed, by whoever held the
    password alone) must not carry the verified session.
    """
    otp_login(request, device)
    request.session.cycle_key()


def confirm_enrolment(request: HttpRequest, code: str) -> TOTPDevice:
    """Confirm the pending device with a first code; from now on it is required at sign-in.

    A wrong code here is audited but not counted toward the lockout: the person enrolling
    is looking at the secret, so a failure is a typing or clock error, not a guess.
    """
    staff = _signed_in(request)
    _refuse_if_locked(request)
    if enrolment_code_needed(request):
        raise RuleViolation(
            _("Give the enrolment code from your security administrator first."),
            field="code",
        )
    device = pending_device(staff)
    if not device.verify_token((code or "").strip()):
        record_event(
            staff,
            "two_factor.enrol_failed",
            by=staff,
            success=False,
            org=staff.org,
        )
        raise RuleViolation(_("The verification code is wrong or has expired."), field="code")
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=staff).exclude(pk=device.pk).delete()
        org_services.clear_enrolment_code(staff)
        request.session.pop(ENROLMENT_CODE_SESSION_KEY, None)
        _accept_second_factor(request, device)
        _reset_failures(staff)
        record_event(staff, "two_factor.enrolled", by=staff, org=staff.org)
        record_event(
            staff, "login.succeeded", by=staff, org=staff.org, changes={"second_factor": "totp"}
        )
    return device


@transaction.atomic
def issue_api_token(staff: Staff, *, name: str, by: Actor) -> tuple[ApiToken, str]:
    """Create a token; return it and its clear value, which is never stored."""
    name = (name or "").strip()
    if not name:
        raise RuleViolation(_("Give the token a name, e.g. the device it is for."), field="name")
    if staff.roles & ADMIN_ROLES:
        raise RuleViolation(
            _("Administrator accounts work only through the pages, with two factors."),
            field="name",
        )
    raw = new_raw_token()
    token = ApiToken.objects.create(
        staff=staff,
        name=name[:60],
        key_hash=hash_token(raw),
        hint=raw[:10],
        expires_at=timezone.now() + timedelta(days=settings.NUANJIA_API_TOKEN_DAYS),
    )
    record_event(
        token,
        "api_token.issued",
        by=by,
        org=staff.org,
        changes={"name": token.name, "token": "issued"},
    )
    return token, raw


def change_password(staff: Staff, *, old_password: str, new_password: str) -> Staff:
    """The user changes their own password; the old one must be given and the new one differ.

    This ends a temporary password an administrator set, and the account's API tokens: a token
    must not outlive the password of the person who issued it. A wrong current password is
    audited, so that record is written outside the change's transaction.
    """
    if not staff.check_password(old_password):
        record_event(
            staff,
            "password.change_failed",
            by=staff,
            success=False,
            org=staff.org,
            changes={"reason": "wrong_current_password"},
        )
        raise RuleViolation(_("The current password is wrong."), field="old_password")
    if new_password == old_password:
        raise RuleViolation(
            _("The new password must differ from the current one."), field="new_password"
        )
    try:
        validate_password(new_password, staff)
    except ValidationError as error:
        raise RuleViolation(" ".join(error.messages), field="new_password") from error
    return _save_new_password(staff, new_password)


@transaction.atomic
def _save_new_password(staff: Staff, new_password: str) -> Staff:
    staff.set_password(new_password)
    staff.password_changed_at = timezone.now()
    staff.must_change_password = False
    staff.save(update_fields=["password", "password_changed_at", "must_change_password"])
    record_event(
        staff, "password.changed", by=staff, org=staff.org, changes={"password": "changed"}
    )
    revoke_api_tokens(staff, reason="password_changed", by=staff)
    return staff


@transaction.atomic
def revoke_api_tokens(staff: Staff, *, reason: str, by: Actor | None) -> int:
    """Revoke every token of the account still in force; return how many.

    Called when the account is locked, its password changes or its powers change (roles,
    union, deactivation): a token issued before must not keep or regain access afterwards.
    """
    tokens = ApiToken.objects.filter(staff=staff, revoked_at__isnull=True)
    revoked = tokens.update(revoked_at=timezone.now())
    if revoked:
        record_event(
            staff,
            "api_token.revoked_all",
            by=by,
            org=staff.org,
            changes={"tokens": revoked, "reason": reason},
        )
    return revoked


def revoke_tokens_on_credentials_change(
    sender: object, *, staff: Staff, reason: str, by: Actor | None, **kwargs: object
) -> None:
    """Receiver of orgs.signals.staff_credentials_changed (connected in AccountsConfig.ready)."""
    revoke_api_tokens(staff, reason=reason, by=by)


@transaction.atomic
def revoke_api_token(token: ApiToken, *, by: Actor) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        record_event(token, "api_token.revoked", by=by, org=token.staff.org)
    return token


def staff_for_token(raw: str) -> Staff | None:
    """The active staff account behind a usable bearer token, or None."""
    token = (
        ApiToken.objects.select_related("staff__org").filter(key_hash=hash_token(raw or "")).first()
    )
    if token is None or not token.is_usable or not token.staff.is_active:
        return None
    if token.staff.is_locked or token.staff.must_change_password:
        return None
    if token.staff.roles & ADMIN_ROLES:  # given an admin role after the token was issued
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=5):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.staff
