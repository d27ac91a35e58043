"""Forms of the hardship pages; amounts are typed in 元 and handed to services in 分."""

from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from nuanjia.core.uploads import DOCUMENTS, accept_attribute
from nuanjia.people.models import HouseholdMember

from .rules import AttachmentKind, Category, ExitReason, ReviewReason

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
NOTE_INPUT = forms.Textarea(attrs={"rows": 3})


def to_fen(yuan: Decimal | None) -> int | None:
    """元 with up to two decimals → integer 分 (None stays None)."""
    if yuan is None:
        return None
    return int((yuan * 100).to_integral_value())


def to_yuan(fen: int | None) -> Decimal | None:
    return None if fen is None else (Decimal(fen) / 100).quantize(Decimal("0.01"))


class YuanField(forms.DecimalField):
    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", 12)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("min_value", Decimal("0"))
        kwargs.setdefault("help_text", _("In yuan, e.g. 1234.50"))
        super().__init__(**kwargs)


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), widget=NOTE_INPUT, required=False)


class RequiredNoteForm(forms.Form):
    note = forms.CharField(label=_("Reason"), widget=NOTE_INPUT)


class AttachmentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=AttachmentKind.choices)
    file = forms.FileField(
        label=_("Attachment"),
        allow_empty_file=True,  # core.uploads refuses it, naming the field and the file
        help_text=_("A picture (JPEG or PNG), PDF, Word, Excel or text file of at most 5 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": accept_attribute(DOCUMENTS)}),
    )


class RemoveAttachmentForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=200, widget=NOTE_INPUT)


class OpenFileForm(forms.Form):
    household = forms.IntegerField(widget=forms.HiddenInput)
    is_union_initiated = forms.BooleanField(
        label=_("Opened by the union (no application)"), required=False
    )
    note = forms.CharField(
        label=_("Application"),
        widget=NOTE_INPUT,
        help_text=_("What the family asks for and why."),
    )


class VisitForm(forms.Form):
    visited_on = forms.DateField(
        label=_("Visited on"), widget=DATE_INPUT, initial=timezone.localdate
    )
    consent_signed_on = forms.DateField(
        label=_("Consent signed on"),
        widget=DATE_INPUT,
        help_text=_("The applicant's signed consent to check the family's finances."),
    )
    consent_evidence = forms.CharField(label=_("Consent form number"), max_length=200)
    sudden_cause = forms.CharField(
        label=_("Sudden cause"),
        max_length=200,
        required=False,
        help_text=_("Only for a sudden accident, disaster or serious illness."),
    )
    sudden_compensation = YuanField(
        label=_("Compensation, insurance and aid received for it"), required=False
    )
    note = forms.CharField(label=_("Visit note"), widget=NOTE_INPUT, required=False)


class ReviewForm(forms.Form):
    civil_affairs_note = forms.CharField(
        label=_("Civil-affairs check"),
        widget=NOTE_INPUT,
        help_text=_("What the civil-affairs check of the family's finances found."),
    )
    category = forms.ChoiceField(label=_("Category"), choices=[c for c in Category.choices if c[0]])
    monthly_standard = YuanField(
        label=_("Monthly standard"),
        required=False,
        help_text=_("Leave empty for the suggested amount."),
    )
    note = forms.CharField(label=_("Review note"), widget=NOTE_INPUT, required=False)


class PublishForm(forms.Form):
    starts_on = forms.DateField(
        label=_("Publicity starts on"), widget=DATE_INPUT, initial=timezone.localdate
    )


class StartReviewForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason"), choices=[c for c in ReviewReason.choices if c[0]])
    note = forms.CharField(label=_("Note"), widget=NOTE_INPUT, required=False)


class CompleteReviewForm(forms.Form):
    category = forms.ChoiceField(
        label=_("Category"),
        choices=[("", _("As the re-assessment proposes")), *[c for c in Category.choices if c[0]]],
        required=False,
    )
    monthly_standard = YuanField(
        label=_("Monthly standard"),
        required=False,
        help_text=_("Leave empty to keep the current standard."),
    )
    note = forms.CharField(label=_("Note"), widget=NOTE_INPUT, required=False)


class ProposeExitForm(forms.Form):
    exit_reason = forms.ChoiceField(label=_("Reason"), choices=ExitReason.choices)
    note = forms.CharField(
        label=_("Why the family should exit"),
        widget=NOTE_INPUT,
        help_text=_("The approver decides the exit; say what the review found."),
    )


PENDING_CHANGE_CHOICES = [
    ("apply", _("It takes effect: measure the family with it")),
    ("withdraw", _("Withdraw it")),
]


class ExitForm(forms.Form):
    exit_reason = forms.ChoiceField(label=_("Reason"), choices=ExitReason.choices)
    pending_change = forms.ChoiceField(
        label=_("The change waiting for review"),
        choices=PENDING_CHANGE_CHOICES,
        widget=forms.RadioSelect,
    )
    gradual_exit_months = forms.IntegerField(
        label=_("Gradual exit months"),
        required=False,
        min_value=0,
        help_text=_("Leave empty for an exit without a gradual exit."),
    )
    gradual_exit_monthly = YuanField(label=_("Gradual exit monthly amount"), required=False)
    note = forms.CharField(label=_("Note"), widget=NOTE_INPUT, required=False)

    def for_file(self, hardship_file) -> None:
        """Ask what happens to a pending change only when the file has one."""
        if not hardship_file.pending_change:
            del self.fields["pending_change"]


class ObjectionForm(forms.Form):
    received_on = forms.DateField(
        label=_("Received on"), widget=DATE_INPUT, initial=timezone.localdate
    )
    source = forms.CharField(
        label=_("Raised by"),
        max_length=100,
        required=False,
        help_text=_("Only what is needed, e.g. 匿名来电."),
    )
    content = forms.CharField(label=_("Objection"), widget=NOTE_INPUT)


class ResolveObjectionForm(forms.Form):
    result = forms.ChoiceField(
        label=_("Result"),
        choices=[("dismissed", _("Dismissed")), ("upheld", _("Upheld"))],
        widget=forms.RadioSelect,
    )
    resolution = forms.CharField(label=_("What the check found"), widget=NOTE_INPUT)


MONEY_LABELS = {
    "wage_income_fen": _("Wages (12 months)"),
    "business_income_fen": _("Business income (12 months)"),
    "property_income_fen": _("Property income (12 months)"),
    "transfer_income_fen": _("Transfer income (12 months)"),
    "other_income_fen": _("Other income (12 months)"),
    "illness_cost_fen": _("Illness costs (12 months)"),
    "disability_cost_fen": _("Disability costs (12 months)"),
    "school_cost_fen": _("Schooling costs (12 months)"),
    "housing_cost_fen": _("Housing costs (12 months)"),
    "other_cost_fen": _("Other unavoidable costs (12 months)"),
}


class ChangeForm(forms.Form):
    """A change to one member's incomes and costs and to the household's facts.

    The form opens with the member's and the household's current values (`?member=` picks the
    member, the worker by default), so what is not touched is not changed: an unticked box
    would otherwise read as "not employed" (issue 12 item 20).
    """

    member = forms.TypedChoiceField(label=_("Member"), coerce=int, widget=forms.HiddenInput)
    is_employed = forms.BooleanField(label=_("Employed or self-employed"), required=False)
    owns_car = forms.BooleanField(
        label=_("Owns or regularly uses a car (not a disability aid)"), required=False
    )
    on_dibao = forms.BooleanField(label=_("Receives dibao"), required=False)
    note = forms.CharField(label=_("What changed"), widget=NOTE_INPUT)

    def __init__(self, *args, household, member_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.household = household
        self.members = {member.pk: member for member in household.members.order_by("pk")}
        self.fields["member"].choices = [
            (pk, f"{member.name}（{member.get_relation_display()}）")
            for pk, member in self.members.items()
        ]
        for name, label in MONEY_LABELS.items():
            self.fields[name.removesuffix("_fen")] = YuanField(
                label=label, required=False, help_text=_("Leave empty to keep it.")
            )
        self.order_fields(
            [
                "member",
                "is_employed",
                *[name.removesuffix("_fen") for name in MONEY_LABELS],
                "owns_car",
                "on_dibao",
                "note",
            ]
        )
        self.member = self.members.get(member_id) or self._worker_member()
        if self.member is not None:
            self.initial.update(self._current_values(self.member))

    def _worker_member(self) -> HouseholdMember | None:
        own = [m for m in self.members.values() if m.relation == HouseholdMember.Relation.SELF]
        return (own or list(self.members.values()) or [None])[0]

    def _current_values(self, member: HouseholdMember) -> dict:
        values = {
            name.removesuffix("_fen"): to_yuan(getattr(member, name)) for name in MONEY_LABELS
        }
        values.update(
            member=member.pk,
            is_employed=member.is_employed,
            owns_car=self.household.owns_car,
            on_dibao=self.household.on_dibao,
        )
        return values

    def change(self) -> dict:
        """The change as services.propose_change takes it (only what differs)."""
        data = self.cleaned_data
        member: HouseholdMember = self.members[data["member"]]
        values = {}
        for name in MONEY_LABELS:
            fen = to_fen(data.get(name.removesuffix("_fen")))
            if fen is not None and fen != getattr(member, name):
                values[name] = fen
        if data["is_employed"] != member.is_employed:
            values["is_employed"] = data["is_employed"]
        change: dict = {}
        if values:
            change["members"] = {str(member.pk): values}
        facts = {
            key: data[key]
            for key in ("owns_car", "on_dibao")
            if data[key] != getattr(self.household, key)
        }
        if facts:
            change["household"] = facts
        return change


class StandardForm(forms.Form):
    region_code = forms.CharField(
        label=_("Region code"),
        max_length=6,
        help_text=_("A city (410100) or county (410108) code."),
    )
    effective_on = forms.DateField(label=_("Effective on"), widget=DATE_INPUT)
    monthly = YuanField(label=_("Monthly amount (yuan per person)"))
    note = forms.CharField(
        label=_("Note"),
        max_length=200,
        required=False,
        help_text=_("e.g. the local document number."),
    )


class ReviewListForm(forms.Form):
    year = forms.IntegerField(
        label=_("Year"), min_value=2000, max_value=2100, initial=lambda: timezone.localdate().year
    )
    seed = forms.IntegerField(
        label=_("Draw number"),
        min_value=0,
        initial=0,
        required=False,
        help_text=_("The same year and number draw the same spot checks."),
    )


class PolicyForm(forms.ModelForm):
    """A region's hardship policy; services.save_policy checks the bounds and saves it."""

    class Meta:
        from .models import HardshipPolicy

        model = HardshipPolicy
        fields = [
            "region_code", "effective_on", "relative_multiple", "tiered_help_multiple",
            "publicity_days", "gradual_exit_min_months", "gradual_exit_max_months",
            "gradual_exit_max_percent", "spot_check_percent", "review_interval_months",
            "retention_years", "average_home_area_m2", "note",
        ]  # fmt: skip
        widgets = {"effective_on": DATE_INPUT}
        help_texts = {
            "region_code": _("The province (410000), a city (410100) or a county (410108)."),
            "gradual_exit_max_months": _("The campaign allows 1 to 6 months."),
            "gradual_exit_max_percent": _("The campaign allows at most 60 %."),
        }

    def validate_unique(self):
        """Left to the service, which names the clashing date in Chinese."""

    def _post_clean(self):
        """Model constraints are checked by the service, field by field."""
