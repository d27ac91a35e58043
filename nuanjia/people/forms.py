"""Forms of the worker registry pages. They parse types only; services check the rules.

Amounts are typed in 元 and handed to services in 分.
"""

from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from nuanjia.orgs.models import Org
from nuanjia.orgs.queries import visible_orgs

from . import rules
from .models import (
    Consent,
    Gender,
    HonourKind,
    HonourLevel,
    HouseholdMember,
    OccupationTag,
    Worker,
)

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
NOTE_INPUT = forms.Textarea(attrs={"rows": 2})


class YuanField(forms.DecimalField):
    """An amount in 元 with up to two decimals, not negative."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", 12)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("min_value", Decimal("0"))
        kwargs.setdefault("required", False)
        kwargs.setdefault("initial", Decimal("0"))
        super().__init__(**kwargs)


class WorkerForm(forms.Form):
    name = forms.CharField(label=_("Full name"), max_length=50)
    id_number = forms.CharField(
        label=_("ID number"),
        max_length=30,
        required=False,
        help_text=_(
            "18 characters (or an old 15-digit number). Gender and birth date are read from it."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "text"}),
    )
    gender = forms.ChoiceField(
        label=_("Gender"),
        choices=[("", "—"), *Gender.choices],
        required=False,
        help_text=_("Only for a record without an ID number."),
    )
    birth_date = forms.DateField(
        label=_("Birth date"),
        widget=DATE_INPUT,
        required=False,
        help_text=_("Only for a record without an ID number."),
    )
    phone = forms.CharField(
        label=_("Mobile phone"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    region_code = forms.CharField(
        label=_("Region code"),
        max_length=6,
        required=False,
        help_text=_("Where the worker lives; your union's region when left blank."),
    )
    employer_name = forms.CharField(label=_("Employer"), max_length=120, required=False)
    employer_credit_code = forms.CharField(
        label=_("Employer's unified social credit code"), max_length=30, required=False
    )
    occupations = forms.ModelMultipleChoiceField(
        label=_("Occupations"),
        queryset=OccupationTag.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    union = forms.ModelChoiceField(
        label=_("Member of union"), queryset=Org.objects.none(), required=False
    )
    joined_union_on = forms.DateField(
        label=_("Joined the union on"), widget=DATE_INPUT, required=False
    )
    member_card_number = forms.CharField(
        label=_("Member card number"), max_length=30, required=False
    )
    bank_name = forms.CharField(label=_("Bank"), max_length=60, required=False)
    bank_account = forms.CharField(
        label=_("Bank account"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )

    def __init__(self, *args, user, worker: Worker | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.worker = worker
        self.fields["occupations"].queryset = OccupationTag.objects.filter(is_active=True)
        self.fields["union"].queryset = (
            visible_orgs(user).filter(kind__in=Org.GRASSROOTS_KINDS).order_by("path")
        )
        if worker is not None and worker.has_id_number:
            self.fields["id_number"].help_text = _(
                "Recorded: %(masked)s. Leave blank to keep it."
            ) % {"masked": worker.id_number_masked}
        if worker is not None and worker.has_bank_account:
            self.fields["bank_account"].help_text = _(
                "Recorded: %(masked)s. Leave blank to keep it."
            ) % {"masked": worker.bank_account_masked}

    @classmethod
    def initial_for(cls, worker: Worker) -> dict:
        """The form's starting values for an existing worker; the numbers are never put back."""
        return {
            "name": worker.name,
            "gender": worker.gender,
            "birth_date": worker.birth_date,
            "phone": worker.phone,
            "address": worker.address,
            "region_code": worker.region_code,
            "employer_name": worker.employer.name if worker.employer else "",
            "employer_credit_code": worker.employer.credit_code if worker.employer else "",
            "occupations": list(worker.occupations.all()),
            "union": worker.union,
            "joined_union_on": worker.joined_union_on,
            "member_card_number": worker.member_card_number,
            "bank_name": worker.bank_name,
        }

    def values(self) -> dict:
        """What to hand to register_worker / update_worker; blank numbers keep the stored ones."""
        data = dict(self.cleaned_data)
        data["occupations"] = list(data["occupations"])
        for secret in ("id_number", "bank_account"):
            if not data.get(secret):
                data.pop(secret, None)
        return data

    def forget_numbers(self) -> None:
        """Never echo a typed ID or bank number back into a page (a refused duplicate shows the
        existing record masked, nothing more)."""
        if self.is_bound:
            self.data = self.data.copy()
            self.data["id_number"] = ""
            self.data["bank_account"] = ""


class RevealForm(forms.Form):
    field = forms.ChoiceField(
        choices=[("id_number", _("ID number")), ("bank_account", _("Bank account"))],
        widget=forms.HiddenInput,
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=200,
        help_text=_("Why you need the full number; it is kept in the audit trail."),
    )


class ConsentForm(forms.Form):
    scope = forms.ChoiceField(label=_("Consent for"), choices=Consent.Scope.choices)
    given_on = forms.DateField(label=_("Given on"), widget=DATE_INPUT, initial=timezone.localdate)
    evidence = forms.CharField(
        label=_("Evidence"),
        max_length=200,
        required=False,
        help_text=_("e.g. the number of the signed form"),
    )


class HonourForm(forms.Form):
    kind = forms.ChoiceField(label=_("Honour"), choices=HonourKind.choices)
    level = forms.ChoiceField(label=_("Level"), choices=HonourLevel.choices)
    year = forms.IntegerField(label=_("Year awarded"), min_value=1950, max_value=2100)
    issuer = forms.CharField(
        label=_("Awarded by"), max_length=100, help_text=_("e.g. 河南省人民政府")
    )
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class WithdrawConsentForm(forms.Form):
    consent = forms.IntegerField(widget=forms.HiddenInput)


class HouseholdForm(forms.Form):
    region_code = forms.CharField(label=_("Region code"), max_length=6, required=False)
    homes_count = forms.IntegerField(label=_("Homes owned"), min_value=0, max_value=99, initial=0)
    homes_area_m2 = forms.DecimalField(
        label=_("Total home area (m²)"), min_value=0, max_digits=8, decimal_places=2, initial=0
    )
    owns_car = forms.BooleanField(
        label=_("Owns or regularly uses a car (not a disability aid)"), required=False
    )
    child_in_costly_school = forms.BooleanField(
        label=_("A child at a high-fee private school or self-funded abroad"), required=False
    )
    controls_business = forms.BooleanField(
        label=_("Controls a company, owns shops or employs others"), required=False
    )
    refused_verification = forms.BooleanField(
        label=_("Refused verification or gave false data"), required=False
    )
    on_dibao = forms.BooleanField(label=_("Receives dibao"), required=False)
    notes = forms.CharField(label=_("Notes"), widget=NOTE_INPUT, required=False)

    @staticmethod
    def initial_for(household) -> dict:
        return {name: getattr(household, name) for name in HouseholdForm.base_fields}


MEMBER_RELATIONS = [
    (value, label)
    for value, label in HouseholdMember.Relation.choices
    if value != HouseholdMember.Relation.SELF
]
INCOME_LABELS = {
    "wage_income_fen": _("Wages"),
    "business_income_fen": _("Business income"),
    "property_income_fen": _("Property income"),
    "transfer_income_fen": _("Transfer income (pensions, allowances, union aid)"),
    "other_income_fen": _("Other income"),
    "illness_cost_fen": _("Illness costs"),
    "disability_cost_fen": _("Disability costs"),
    "school_cost_fen": _("Schooling costs"),
    "housing_cost_fen": _("Housing costs"),
    "other_cost_fen": _("Other unavoidable costs"),
}


class MemberForm(forms.Form):
    relation = forms.ChoiceField(label=_("Relation"), choices=MEMBER_RELATIONS)
    name = forms.CharField(label=_("Full name"), max_length=50)
    id_number = forms.CharField(
        label=_("ID number"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    gender = forms.ChoiceField(
        label=_("Gender"), choices=[("", "—"), *Gender.choices], required=False
    )
    birth_date = forms.DateField(label=_("Birth date"), widget=DATE_INPUT, required=False)
    health = forms.CharField(
        label=_("Health"),
        max_length=100,
        required=False,
        help_text=_("Only what the programme needs, e.g. serious illness."),
    )
    disability = forms.CharField(label=_("Disability"), max_length=50, required=False)
    school_stage = forms.ChoiceField(
        label=_("School stage"), choices=HouseholdMember.SchoolStage.choices, required=False
    )
    is_able_bodied = forms.BooleanField(label=_("Able to work"), required=False, initial=True)
    is_employed = forms.BooleanField(
        label=_("Employed or self-employed"), required=False, initial=True
    )

    def __init__(self, *args, member: HouseholdMember | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        for name, label in INCOME_LABELS.items():
            self.fields[name] = YuanField(label=label, help_text=_("12-month total in yuan"))
        self.fields["transfer_income_fen"].help_text = _(
            "12-month total in yuan. Union aid counts; small festival gifts do not."
        )
        self.is_self = member is not None and member.relation == HouseholdMember.Relation.SELF
        if member is not None and member.id_number_index:
            self.fields["id_number"].help_text = _(
                "Recorded: %(masked)s. Leave blank to keep it."
            ) % {"masked": member.id_number_masked}
        if self.is_self:
            for name in ("relation", "name", "id_number", "gender", "birth_date"):
                del self.fields[name]

    @staticmethod
    def initial_for(member: HouseholdMember) -> dict:
        initial = {
            name: getattr(member, name)
            for name in (
                "relation",
                "name",
                "gender",
                "birth_date",
                "health",
                "disability",
                "school_stage",
                "is_able_bodied",
                "is_employed",
            )
        }
        for name in INCOME_LABELS:
            initial[name] = Decimal(getattr(member, name)) / 100
        return initial

    def values(self) -> dict:
        data = dict(self.cleaned_data)
        for name in INCOME_LABELS:
            data[name] = rules.yuan_to_fen(data.get(name) or Decimal(0))
        if not data.get("id_number"):
            data.pop("id_number", None)
        return data


class TransferRequestForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=200,
        widget=NOTE_INPUT,
        help_text=_("e.g. the worker now lives and works in our area."),
    )


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), max_length=200, required=False, widget=NOTE_INPUT)


class MergeForm(forms.Form):
    keep = forms.IntegerField(widget=forms.HiddenInput)
    note = forms.CharField(label=_("Note"), max_length=200, required=False, widget=NOTE_INPUT)
