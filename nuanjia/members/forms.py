from django import forms
from django.utils.translation import gettext_lazy as _

from nuanjia.orgs.models import Org
from nuanjia.people.models import OccupationTag


class PhoneForm(forms.Form):
    phone = forms.CharField(
        label=_("Mobile phone"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )


class CodeForm(forms.Form):
    phone = forms.CharField(widget=forms.HiddenInput, max_length=20)
    code = forms.CharField(
        label=_("Code from the text message"),
        max_length=6,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )
    consent = forms.BooleanField(
        label=_("I have read the privacy notice and agree to it"), required=False
    )


def county_choices() -> list[tuple[str, str]]:
    counties = Org.objects.filter(kind=Org.Kind.COUNTY, is_active=True).select_related("parent")
    return [("", "—")] + [
        (county.region_code, place_name(county)) for county in counties.order_by("path")
    ]


def place_name(county: Org) -> str:
    """The place a county union serves, as a person names it: "郑州市惠济区", not the union's
    name ("郑州市惠济区总工会")."""
    return county.name.removesuffix("总工会") or county.name


def _choice_field(form: forms.Form, name: str) -> forms.ChoiceField:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    return field


class IdentifyForm(forms.Form):
    name = forms.CharField(label=_("Your name"), max_length=50)
    id_number = forms.CharField(
        label=_("ID number"), max_length=18, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )
    region_code = forms.ChoiceField(label=_("County where you live"), choices=())
    address = forms.CharField(label=_("Address (optional)"), max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _choice_field(self, "region_code").choices = county_choices()


class JoinForm(forms.Form):
    occupation = forms.ModelChoiceField(
        label=_("Occupation"),
        queryset=OccupationTag.objects.filter(is_active=True),
        empty_label=_("Choose your occupation"),
    )
    employer_name = forms.CharField(label=_("Platform or employer"), max_length=120)
    region_code = forms.ChoiceField(label=_("County where you live"), choices=())
    union = forms.ModelChoiceField(
        label=_("Workplace union (optional)"),
        queryset=Org.objects.none(),
        required=False,
        empty_label=_("None: join the county's union for workers without one"),
    )
    address = forms.CharField(label=_("Address (optional)"), max_length=200, required=False)

    def __init__(self, *args, county=None, **kwargs):
        super().__init__(*args, **kwargs)
        _choice_field(self, "region_code").choices = county_choices()
        if county is not None:
            union = self.fields["union"]
            assert isinstance(union, forms.ModelChoiceField)
            union.queryset = (
                Org.objects.filter(path__startswith=county.path, is_active=True)
                .exclude(kind__in=[*Org.ADMINISTRATIVE_KINDS, Org.Kind.HOLDING_POOL])
                .order_by("name")
            )
