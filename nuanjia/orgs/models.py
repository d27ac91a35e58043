"""The union hierarchy (工会组织), staff accounts and their roles."""

from typing import Any, ClassVar

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from nuanjia.core.sealed_phones import sealed_phone_property

from .rules import Role, actor_can, needs_two_factor

# The kinds of administrative division in the GB/T 2260 file the union tree is loaded from.
DIVISION_KIND_LABELS = {
    "province": _("province"),  # 省
    "city": _("prefecture-level city"),  # 地级市
    "district": _("urban district"),  # 市辖区
    "county": _("county"),  # 县
    "county-level city": _("county-level city"),  # 县级市
    "functional zone": _("functional zone"),  # 功能区
    "city-level (province-administered)": _("province-administered city"),  # 省直辖县级市
}

ORG_CODE_VALIDATOR = RegexValidator(
    r"^[0-9A-Z][0-9A-Z-]{1,31}$", _("Use digits, capital letters and '-'.")
)


class Org(models.Model):
    """A union: the provincial federation, a city or county federation, or a grassroots union.

    `path` is the materialized path of codes from the root ("/410000/410100/410102/"), so a
    subtree is one indexed prefix match. Codes never change once set.
    """

    class Kind(models.TextChoices):
        PROVINCE = "province", _("Provincial federation")  # 省总工会
        CITY = "city", _("City federation")  # 市总工会 (incl. 济源示范区)
        COUNTY = "county", _("County federation")  # 县(市、区)总工会, functional-zone unions
        ENTERPRISE = "enterprise", _("Enterprise union")  # 企业工会
        INDUSTRY = "industry", _("Industry union")  # 产业/行业工会
        UNIVERSITY = "university", _("University union")  # 高校工会
        HOSPITAL = "hospital", _("Hospital union")  # 医院工会
        COMMUNITY = "community", _("Community or street union")  # 社区/街道工会
        HOLDING_POOL = (
            "holding_pool",
            _("Holding pool"),
        )  # 集中入会池: members with no workplace union

    ADMINISTRATIVE_KINDS = frozenset({Kind.PROVINCE, Kind.CITY, Kind.COUNTY})
    GRASSROOTS_KINDS = frozenset(set(Kind) - ADMINISTRATIVE_KINDS)

    code = models.CharField(_("code"), max_length=32, unique=True, validators=[ORG_CODE_VALIDATOR])
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent union"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(max_length=255, unique=True, editable=False)
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    region_code = models.CharField(_("region code"), max_length=6, db_index=True)
    division_kind = models.CharField(_("division kind"), max_length=40, blank=True)
    credit_code = models.CharField(_("unified social credit code"), max_length=18, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["path"]
        verbose_name = _("union")
        verbose_name_plural = _("unions")
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="org_unique_name_under_parent"),
            models.UniqueConstraint(
                fields=["credit_code"],
                condition=~models.Q(credit_code=""),
                name="org_unique_credit_code",
            ),
            models.CheckConstraint(
                condition=models.Q(parent__isnull=True, depth=0)
                | models.Q(parent__isnull=False, depth__gt=0),
                name="org_root_has_depth_zero",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        parent = self.parent if self.parent_id else None
        self.path = (parent.path if parent else "/") + f"{self.code}/"
        self.depth = self.path.count("/") - 2
        super().save(*args, **kwargs)

    @property
    def division_kind_label(self) -> str:
        """The GB/T 2260 kind of the union's region, in words (市辖区, 县级市…); "" if none."""
        label = DIVISION_KIND_LABELS.get(self.division_kind)
        return str(label) if label else self.division_kind

    @property
    def is_grassroots(self) -> bool:
        return self.kind in self.GRASSROOTS_KINDS

    def is_within(self, other: "Org") -> bool:
        """True when this org is `other` or below it."""
        return self.path.startswith(other.path)

    def ancestor_codes(self) -> list[str]:
        return [code for code in self.path.strip("/").split("/")]


class StaffManager(UserManager["Staff"]):
    def get_queryset(self) -> models.QuerySet["Staff"]:
        return super().get_queryset().select_related("org")


class Staff(AbstractUser):
    """A staff account (工作人员), bound to one org; sees and acts on that org's subtree."""

    full_name = models.CharField(_("full name"), max_length=50, blank=True)
    org = models.ForeignKey(
        Org, verbose_name=_("union"), null=True, on_delete=models.PROTECT, related_name="staff"
    )
    # The mobile number, sealed (core.sealed_phones): read and write it through `phone`.
    phone_encrypted = models.CharField(max_length=100, blank=True)
    phone_index = models.CharField(max_length=64, blank=True)
    phone_last4_index = models.CharField(max_length=64, blank=True)
    phone_masked = models.CharField(_("mobile phone"), max_length=20, blank=True)
    failed_login_count = models.PositiveSmallIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)
    password_changed_at = models.DateTimeField(null=True, blank=True)
    # Set when an administrator chose the password (a new account, a reset): it only opens the
    # change-password page, so the administrator who knows it gets no usable session with it.
    must_change_password = models.BooleanField(default=False)
    # Set when an administrator opened the account or reset its authenticator: enrolling an
    # authenticator then needs a one-time enrolment code (启用码) that a security administrator
    # issues to the user, so the system administrator, who knows the first password, cannot
    # enrol an authenticator of their own (三权分立). Only its hash is kept.
    enrolment_code_required = models.BooleanField(default=False)
    enrolment_code_hash = models.CharField(max_length=128, blank=True)
    enrolment_code_expires_at = models.DateTimeField(null=True, blank=True)

    objects: ClassVar[StaffManager] = StaffManager()

    class Meta:
        verbose_name = _("staff account")
        verbose_name_plural = _("staff accounts")
        ordering = ["username"]

    def __str__(self) -> str:
        return self.full_name or self.username

    phone = sealed_phone_property("phone")

    @cached_property
    def roles(self) -> frozenset[str]:
        return frozenset(assignment.role for assignment in self.role_assignments.all())

    def role_labels(self) -> list[str]:
        return [str(Role(role).label) for role in sorted(self.roles)]

    def has_perm_code(self, perm: str) -> bool:
        return actor_can(self, perm)

    @property
    def needs_two_factor(self) -> bool:
        return self.is_superuser or needs_two_factor(self.roles)

    @property
    def is_locked(self) -> bool:
        return self.locked_until is not None and self.locked_until > timezone.now()


class RoleAssignment(models.Model):
    """One role held by one staff account, with who granted it."""

    staff = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    granted_by = models.ForeignKey(Staff, null=True, on_delete=models.SET_NULL, related_name="+")
    granted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("role assignment")
        constraints = [
            models.UniqueConstraint(fields=["staff", "role"], name="role_once_per_staff")
        ]

    def __str__(self) -> str:
        return f"{self.staff} · {self.get_role_display()}"
