"""The member portal (职工端): a worker's own phone account, its signed-in devices, the codes
texted to sign in, binding the account to the registry, joining the union online, and the
messages a member reads on /m/.

A member account is not a staff account: it is never a Django user, never holds a role and
never reaches a staff page or operation. Phones are sealed (core.sealed_phones)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from nuanjia.core.history import StepEvent
from nuanjia.core.sealed_phones import sealed_phone_property
from nuanjia.orgs.models import Org
from nuanjia.people.models import OccupationTag, Worker


class Member(models.Model):
    """One person's account on the phone pages, keyed by a mobile number (one account a
    number, one account a registry worker)."""

    class BoundVia(models.TextChoices):
        PHONE = "phone", _("Registered phone")  # the signed-in phone is the worker's own
        ID_CHECK = "id_check", _("Name and ID, confirmed by the union")  # 工会确认
        REGISTERED = "registered", _("Registered by the member")  # not in the registry before

    phone_encrypted = models.CharField(max_length=100)
    phone_index = models.CharField(max_length=64, unique=True)
    phone_last4_index = models.CharField(max_length=64)
    phone_masked = models.CharField(_("mobile phone"), max_length=20)
    worker = models.OneToOneField(
        Worker,
        verbose_name=_("worker"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="member_account",
    )
    bound_at = models.DateTimeField(_("bound at"), null=True, blank=True)
    bound_via = models.CharField(_("bound by"), max_length=12, choices=BoundVia.choices, blank=True)
    # The privacy notice the member accepted (PIPL art. 14, 17): its version and when.
    consent_version = models.CharField(_("privacy notice version"), max_length=20)
    consent_at = models.DateTimeField(_("privacy notice accepted at"))
    created_at = models.DateTimeField(auto_now_add=True)
    last_signed_in_at = models.DateTimeField(null=True, blank=True)
    # Closed at the member's request (注销): devices ended, unbound; signing in again opens
    # it anew with a fresh consent. The union's own records stay, restricted by retention.
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("member account")
        verbose_name_plural = _("member accounts")

    def __str__(self) -> str:
        return self.phone_masked

    phone = sealed_phone_property("phone")

    @property
    def is_bound(self) -> bool:
        return self.worker_id is not None

    @property
    def org(self) -> Org | None:
        """The union that keeps the bound worker's record (the audit trail files the
        account's events there); None before binding."""
        return self.worker.org if self.worker_id and self.worker else None

    @property
    def actor_label(self) -> str:
        """How the audit trail names the member acting."""
        return f"member {self.phone_masked}"


class Device(models.Model):
    """A signed-in browser or app (a session of 30 days). Only a hash of its key is kept:
    the key is the page cookie or the API bearer token. `checked_at` is the last time the
    person typed a texted code on this device, which sensitive pages ask to be recent."""

    class Kind(models.TextChoices):
        PAGES = "pages", _("Phone browser")
        API = "api", _("App")

    kind = models.CharField(max_length=6, choices=Kind.choices, default=Kind.PAGES)
    key_hash = models.CharField(max_length=64, unique=True)
    user_agent = models.CharField(_("device"), max_length=120, blank=True)
    created_at = models.DateTimeField(_("signed in at"), default=timezone.now)
    checked_at = models.DateTimeField(default=timezone.now)
    last_seen_at = models.DateTimeField(_("last seen"), default=timezone.now)
    expires_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.user_agent[:40]}"


class MemberDevice(Device):
    """A device a member is signed in on."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="devices")

    class Meta:
        verbose_name = _("signed-in device")
        indexes = [models.Index(fields=["member", "ended_at"], name="members_device_open")]


class PhoneCode(models.Model):
    """A 6-digit code texted to a phone; only its hash is kept. A code lives 5 minutes and
    takes 5 tries; sending a new one ends the older ones."""

    class Purpose(models.TextChoices):
        SIGN_IN = "sign_in", _("Sign in")
        PARTNER_SIGN_IN = "partner", _("Partner sign-in")  # 合作机构人员登录
        RECHECK = "recheck", _("Confirm it is you")  # 再次验证 before sensitive pages

    phone_index = models.CharField(max_length=64)
    purpose = models.CharField(max_length=10, choices=Purpose.choices)
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    tries = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["phone_index", "purpose", "created_at"], name="members_code_recent"
            )
        ]

    def __str__(self) -> str:
        return f"{self.purpose} {self.created_at:%Y-%m-%d %H:%M}"


class Binding(models.Model):
    """A member's claim to be a registry worker, by name and ID number, when the signed-in
    phone is not the worker's registered one (绑定申请). It waits in the caseworker queue of
    the worker's union; until confirmed the member sees nothing the union holds about them."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for the union")
        CONFIRMED = "confirmed", _("Confirmed")
        REFUSED = "refused", _("Refused")

    steps: list[str]  # the steps the viewer may take, set by the API; not stored

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="bindings")
    worker = models.ForeignKey(Worker, on_delete=models.PROTECT, related_name="+")
    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")  # the deciding union
    name = models.CharField(_("name"), max_length=50)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PENDING
    )
    decided_by = models.ForeignKey(
        "orgs.Staff", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("asked at"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("account binding")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["org", "status"], name="members_binding_queue")]
        constraints = [
            models.UniqueConstraint(
                fields=["member"],
                condition=models.Q(status="pending"),
                name="members_one_pending_binding",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_status_display()})"


class BindingEvent(StepEvent):
    binding = models.ForeignKey(Binding, on_delete=models.CASCADE, related_name="events")

    class Meta(StepEvent.Meta):
        verbose_name = _("binding event")

    @property
    def action_label(self) -> str:
        return str(EVENT_LABELS.get(self.action, self.action))


class Join(models.Model):
    """An application to join the union online (入会申请). A join to the county's holding pool
    (集中入会池) is decided by the county's approver; a join to a named workplace union by that
    union's staff, or the county's approver when it has none."""

    class Status(models.TextChoices):
        POOL_REVIEW = "pool_review", _("Waiting for the county union")  # 待县级审批
        UNION_REVIEW = "union_review", _("Waiting for the workplace union")  # 待基层工会审核
        ACCEPTED = "accepted", _("Accepted")
        REFUSED = "refused", _("Refused")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    WAITING = (Status.POOL_REVIEW, Status.UNION_REVIEW)
    OPEN = "open"  # the queue filter for both waiting states (not a status)

    steps: list[str]

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="joins")
    worker = models.ForeignKey(Worker, on_delete=models.PROTECT, related_name="+")
    org = models.ForeignKey(
        Org, verbose_name=_("union"), on_delete=models.PROTECT, related_name="+"
    )
    county = models.ForeignKey(
        Org, verbose_name=_("county union"), on_delete=models.PROTECT, related_name="+"
    )
    # A member asking to move their membership (会员关系转接) from this union: never a second
    # membership.
    moving_from = models.ForeignKey(
        Org,
        verbose_name=_("moving from"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    occupation = models.ForeignKey(
        OccupationTag, verbose_name=_("occupation"), on_delete=models.PROTECT, related_name="+"
    )
    employer_name = models.CharField(_("platform or employer"), max_length=120)
    region_code = models.CharField(_("place of residence"), max_length=6)
    address = models.CharField(_("address"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=14, choices=Status.choices, default=Status.POOL_REVIEW
    )
    decided_by = models.ForeignKey(
        "orgs.Staff", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    created_at = models.DateTimeField(_("applied at"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("union join application")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["org", "status"], name="members_join_queue"),
            models.Index(fields=["county", "created_at"], name="members_join_county"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["member"],
                condition=models.Q(status__in=["pool_review", "union_review"]),
                name="members_one_open_join",
            )
        ]

    def __str__(self) -> str:
        return f"{self.worker} → {self.org}"

    @property
    def is_open(self) -> bool:
        return self.status in self.WAITING


class JoinEvent(StepEvent):
    join = models.ForeignKey(Join, on_delete=models.CASCADE, related_name="events")

    class Meta(StepEvent.Meta):
        verbose_name = _("join event")

    @property
    def action_label(self) -> str:
        return str(EVENT_LABELS.get(self.action, self.action))


EVENT_LABELS = {
    "binding_asked": _("Asked by the member"),
    "binding_confirmed": _("Confirmed"),
    "binding_refused": _("Refused"),
    "join_submitted": _("Applied"),
    "join_withdrawn": _("Withdrawn by the applicant"),
    "join_accepted": _("Accepted"),
    "join_refused": _("Refused"),
    "data_request_asked": _("Asked by the member"),
    "data_request_done": _("Done"),
    "data_request_refused": _("Refused"),
}


class Message(models.Model):
    """A notice on the member's message list (and, when texted, the masked number it went
    to): a join decision, a binding confirmation, an answer to a request."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="messages")
    topic = models.CharField(_("topic"), max_length=30)
    text = models.CharField(_("message"), max_length=300)
    texted_to = models.CharField(_("texted to"), max_length=20, blank=True)
    created_at = models.DateTimeField(_("sent at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["member", "created_at"], name="members_message_list")]

    def __str__(self) -> str:
        return self.text[:40]


# ---- Partners (合作机构) --------------------------------------------------------------------


class Partner(models.Model):
    """An organisation that serves members for the union (合作机构): a hospital doing health
    checks, a breakfast shop, a merchant with member offers, a collection point, a travel
    partner, an employer. Registered by a union (`org`), which keeps it."""

    class Kind(models.TextChoices):
        HOSPITAL = "hospital", _("Hospital")  # 体检医院
        SHOP = "shop", _("Shop")  # 早餐店等
        MERCHANT = "merchant", _("Merchant")  # 会员优惠商户
        COLLECTION_POINT = "collection", _("Collection point")  # 消费帮扶集采点
        TRAVEL = "travel", _("Travel partner")  # 疗休养机构
        EMPLOYER = "employer", _("Employer")
        VOLUNTEERS = "volunteers", _("Volunteer team")  # 心理援助志愿者队伍

    org = models.ForeignKey(
        Org, verbose_name=_("union"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    credit_code = models.CharField(_("unified social credit code"), max_length=18, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        "orgs.Staff", null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("partner")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["org", "name"], name="members_partner_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class Outlet(models.Model):
    """One place of a partner where members are served (门店/网点)."""

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="outlets")
    name = models.CharField(_("name"), max_length=100)
    address = models.CharField(_("address"), max_length=200, blank=True)
    region_code = models.CharField(_("region code"), max_length=6, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("outlet")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["partner", "name"], name="members_outlet_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class PartnerUser(models.Model):
    """A person of a partner who signs in by phone and code to scan cards and read the
    partner's statements; never a staff or member account."""

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="users")
    name = models.CharField(_("name"), max_length=50)
    phone_encrypted = models.CharField(max_length=100)
    phone_index = models.CharField(max_length=64, unique=True)
    phone_last4_index = models.CharField(max_length=64)
    phone_masked = models.CharField(_("mobile phone"), max_length=20)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("partner user")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.partner})"

    phone = sealed_phone_property("phone")

    @property
    def org(self) -> Org:
        return self.partner.org

    @property
    def actor_label(self) -> str:
        return f"partner {self.partner_id} {self.phone_masked}"


class PartnerDevice(Device):
    """A device a partner user is signed in on."""

    user = models.ForeignKey(PartnerUser, on_delete=models.CASCADE, related_name="devices")

    class Meta:
        verbose_name = _("partner device")
        indexes = [models.Index(fields=["user", "ended_at"], name="members_pdevice_open")]


class CardScan(models.Model):
    """A card a partner scanned, for its statements (核验记录). Written on a partner's scan;
    only the status and the masked name were shown."""

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="scans")
    outlet = models.ForeignKey(
        Outlet, null=True, blank=True, on_delete=models.SET_NULL, related_name="scans"
    )
    user = models.ForeignKey(PartnerUser, null=True, on_delete=models.SET_NULL, related_name="+")
    worker = models.ForeignKey(
        Worker, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    use = models.CharField(_("use"), max_length=30)
    status = models.CharField(_("result"), max_length=12)
    at = models.DateTimeField(_("time"), default=timezone.now)

    class Meta:
        verbose_name = _("card scan")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["partner", "at"], name="members_scan_partner_at")]

    def __str__(self) -> str:
        return f"{self.use} {self.status}"


class PartnerConsent(models.Model):
    """A member's separate consent (PIPL art. 23) that one named partner may see their name
    when it scans their card; withdrawn, the partner sees the status only again."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="partner_consents")
    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="consents")
    notice_version = models.CharField(max_length=20)
    given_at = models.DateTimeField(_("given at"), default=timezone.now)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    class Meta:
        verbose_name = _("consent for a partner")
        constraints = [
            models.UniqueConstraint(
                fields=["member", "partner"],
                condition=models.Q(withdrawn_at__isnull=True),
                name="members_one_live_consent",
            )
        ]

    def __str__(self) -> str:
        return f"{self.member} → {self.partner}"


class MessageTemplate(models.Model):
    """A union's own wording of one kind of message to members (消息模板), edited by the
    operator in the admin; without one, the built-in wording is used. The text keeps the
    built-in one's placeholders (%(union)s, %(number)s, %(reason)s…)."""

    topic = models.CharField(_("message"), max_length=40, unique=True)
    text = models.CharField(_("text"), max_length=300)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("message template")

    def __str__(self) -> str:
        return self.topic


class DataRequest(models.Model):
    """A member's request about their personal data (PIPL arts. 44–47): a correction, a
    consent withdrawn, their account closed or data deleted, or another question. It waits in
    the caseworker queue of the union keeping their record (the county's, before binding)
    with its deadline: 15 working days for closing, correcting and deleting, 30 days else.
    Retained data is restricted, not erased, until its retention date."""

    class Kind(models.TextChoices):
        CORRECTION = "correction", _("Correct my data")  # 更正
        WITHDRAW = "withdraw", _("Withdraw a consent")  # 撤回同意
        CLOSE = "close", _("Close my account")  # 注销账号
        DELETE = "delete", _("Delete my data")  # 删除
        OTHER = "other", _("Another question about my data")

    class Status(models.TextChoices):
        OPEN = "open", _("Waiting for the union")
        DONE = "done", _("Done")
        REFUSED = "refused", _("Refused")

    WORKING_DAY_KINDS = frozenset({Kind.CORRECTION, Kind.CLOSE, Kind.DELETE})

    steps: list[str]

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="data_requests")
    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("request"), max_length=12, choices=Kind.choices)
    text = models.TextField(_("details"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    due_on = models.DateField(_("answer by"))
    answer = models.TextField(_("answer"), blank=True)
    decided_by = models.ForeignKey(
        "orgs.Staff", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("asked at"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("personal data request")
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["org", "status", "due_on"], name="members_datareq_queue")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.get_status_display()})"


class DataRequestEvent(StepEvent):
    request = models.ForeignKey(DataRequest, on_delete=models.CASCADE, related_name="events")

    class Meta(StepEvent.Meta):
        verbose_name = _("personal data request event")

    @property
    def action_label(self) -> str:
        return str(EVENT_LABELS.get(self.action, self.action))
