"""Forms of the station pages. Coordinates may be typed in any of the three datums."""

from django import forms
from django.utils.translation import gettext_lazy as _

from nuanjia.core.imports import ImportForm
from nuanjia.orgs.models import Org

from . import rules
from .models import Facility, Service, Station, StationGrant
from .services import StationFields

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATUM_CHOICES = [(datum, rules.DATUM_NAMES[datum]) for datum in rules.DATUMS]


class StationForm(forms.Form):
    code = forms.CharField(label=_("Station code"), max_length=32)
    name = forms.CharField(label=_("Name"), max_length=100)
    org = forms.ModelChoiceField(label=_("Host union"), queryset=Org.objects.none())
    operator = forms.ChoiceField(label=_("Operator"), choices=Station.Operator.choices)
    partner_name = forms.CharField(
        label=_("Partner"),
        max_length=100,
        required=False,
        help_text=_("For a co-built station: the firm or shop that hosts it."),
    )
    address = forms.CharField(label=_("Station address"), max_length=200)
    region_code = forms.CharField(
        label=_("Region code"), max_length=6, help_text=_("6 digits, e.g. 410108.")
    )
    datum = forms.ChoiceField(
        label=_("Coordinate system"),
        choices=DATUM_CHOICES,
        initial=rules.GCJ02,
        help_text=_("高德 and 腾讯 maps use GCJ-02, 百度 uses BD-09, GPS uses WGS-84."),
    )
    lat = forms.FloatField(label=_("Latitude"), help_text=_("e.g. 34.7466"))
    lng = forms.FloatField(label=_("Longitude"), help_text=_("e.g. 113.6254"))
    opening_hours = forms.CharField(
        label=_("Opening hours"),
        max_length=300,
        initial="24小时",
        help_text=_("e.g. 周一至周五 07:00-20:00; 周六,周日 09:00-17:00, or 24小时."),
    )
    closed_on_holidays = forms.BooleanField(label=_("Closed on statutory holidays"), required=False)
    facilities = forms.ModelMultipleChoiceField(
        label=_("Facilities"),
        queryset=Facility.objects.filter(is_active=True),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    seats = forms.IntegerField(label=_("Seats"), min_value=0, max_value=1000, required=False)
    standard_checks = forms.MultipleChoiceField(
        label=_("Standard checklist (四有/六有)"),
        choices=list(rules.STANDARD_ITEMS.items()),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    is_published = forms.BooleanField(label=_("Listed on the public map"), required=False)
    phone = forms.CharField(label=_("Contact phone"), max_length=20, required=False)
    notes = forms.CharField(
        label=_("Notes"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args, orgs=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = orgs if orgs is not None else Org.objects.none()

    def station_fields(self) -> StationFields:
        data = self.cleaned_data
        lat, lng = data["lat"], data["lng"]
        if -90 <= lat <= 90 and -180 <= lng <= 180:
            lat, lng = rules.to_wgs84(lat, lng, data["datum"])
        facilities = {
            facility.code: (data.get("seats") if facility.has_quantity else None)
            for facility in data["facilities"]
        }
        return StationFields(
            code=data["code"],
            name=data["name"],
            org=data["org"],
            address=data["address"],
            region_code=data["region_code"],
            lat=lat,
            lng=lng,
            operator=data["operator"],
            partner_name=data["partner_name"],
            opening_hours=data["opening_hours"],
            closed_on_holidays=data["closed_on_holidays"],
            is_published=data["is_published"],
            phone=data["phone"],
            notes=data["notes"],
            standard_checks=tuple(data["standard_checks"]),
            facilities=facilities,
        )

    @classmethod
    def initial_for(cls, station: Station) -> dict:
        rows = list(station.facility_rows.select_related("facility"))
        seats = next((row.quantity for row in rows if row.facility.has_quantity), None)
        lat, lng = station.gcj02
        return {
            "code": station.code,
            "name": station.name,
            "org": station.org_id,
            "operator": station.operator,
            "partner_name": station.partner_name,
            "address": station.address,
            "region_code": station.region_code,
            "datum": rules.GCJ02,
            "lat": round(lat, 7),
            "lng": round(lng, 7),
            "opening_hours": station.opening_hours,
            "closed_on_holidays": station.closed_on_holidays,
            "facilities": [row.facility_id for row in rows],
            "seats": seats,
            "standard_checks": station.standard_checks,
            "is_published": station.is_published,
            "phone": station.phone,
            "notes": station.notes,
        }


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=Station.Status.choices)
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)


class ClosureForm(forms.Form):
    starts_on = forms.DateField(label=_("From"), widget=DATE_INPUT)
    ends_on = forms.DateField(label=_("To"), widget=DATE_INPUT)
    reason = forms.CharField(label=_("Reason"), max_length=100, required=False)


class TallyForm(forms.Form):
    on = forms.DateField(label=_("Day"), widget=DATE_INPUT)
    visits = forms.IntegerField(
        label=_("Visitors who did not scan"), min_value=0, max_value=100_000
    )


class PhotoForm(forms.Form):
    image = forms.FileField(label=_("Photo"))
    caption = forms.CharField(label=_("Caption"), max_length=100, required=False)


class CheckInForm(forms.Form):
    services = forms.MultipleChoiceField(
        label=_("What did you use?"),
        choices=Service.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    card_or_phone = forms.CharField(
        label=_("Member card or mobile number (optional)"),
        max_length=32,
        required=False,
        help_text=_("Leave it empty to check in anonymously. We keep only a masked form."),
    )


class CoverageForm(forms.Form):
    datum = forms.ChoiceField(
        label=_("Coordinate system"), choices=DATUM_CHOICES, initial=rules.WGS84
    )
    points = forms.CharField(
        label=_("Worker locations"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("One location a line: latitude, longitude and optionally a region code."),
    )


class GrantForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=StationGrant.Kind.choices)
    amount = forms.CharField(label=_("Amount (yuan)"), max_length=20)
    purpose = forms.CharField(label=_("Purpose"), max_length=200)

    def clean_amount(self):
        from nuanjia.core.errors import RuleViolation
        from nuanjia.core.money import parse_yuan

        try:
            return parse_yuan(self.cleaned_data["amount"], field="amount", label=_("Amount"))
        except RuleViolation as error:
            raise forms.ValidationError(error.message) from None


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)


class TallyImportForm(ImportForm):
    """The tally sheet (驿站来访统计): the file and what to do with rows that have errors."""


class StationImportForm(ImportForm):
    datum = forms.ChoiceField(
        label=_("Coordinate system of the sheet"), choices=DATUM_CHOICES, initial=rules.GCJ02
    )
