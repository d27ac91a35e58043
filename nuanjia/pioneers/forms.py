"""The pioneers forms: a team, a nomination, the title's steps, a competition, an entry and
its result, a studio, its members, projects and results, an alliance and a studio joining."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from .rules import (
    AllianceKind,
    AwardLevel,
    CompetitionKind,
    ProjectStatus,
    ResultKind,
    StudioKind,
    StudioLevel,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _day(label: Any, required: bool = True) -> forms.DateField:
    return forms.DateField(label=label, widget=DATE, required=required)


def _year(label: Any, required: bool = True) -> forms.IntegerField:
    return forms.IntegerField(label=label, min_value=1950, max_value=2100, required=required)


def _choices(form: forms.Form, name: str, rows: Any) -> None:
    cast(forms.ChoiceField, form.fields[name]).choices = [("", "—"), *rows]


class TeamForm(forms.Form):
    name = forms.CharField(label=_("Team"), max_length=100)
    employer = forms.ChoiceField(label=_("Employer"), required=False, choices=())
    workplace = forms.CharField(label=_("Workplace"), max_length=120, required=False)
    members_count = forms.IntegerField(label=_("Members"), min_value=0, max_value=100000)
    leader = forms.ChoiceField(label=_("Team leader"), required=False, choices=())

    def __init__(self, *args: Any, employers: Any = (), workers: Any = (), **kwargs: Any):
        super().__init__(*args, **kwargs)
        _choices(self, "employer", [(str(e.pk), e.name) for e in employers])
        _choices(self, "leader", [(str(w.pk), f"{w.name} {w.id_number_masked}") for w in workers])


class NominationForm(forms.Form):
    year_nominated = _year(_("Year nominated"))
    deeds = forms.CharField(label=_("Deeds"), max_length=500, required=False,
                            widget=forms.Textarea(attrs={"rows": 3}))  # fmt: skip


class ReviewForm(forms.Form):
    publicity_starts_on = _day(_("Publicity from"))
    publicity_ends_on = _day(_("Publicity until"))
    note = forms.CharField(label=_("Note"), max_length=2000, required=False)


class AwardForm(forms.Form):
    level = forms.ChoiceField(label=_("Level"), choices=AwardLevel.choices)
    award_year = _year(_("Year awarded"))
    certificate_number = forms.CharField(label=_("Certificate number"), max_length=50)
    note = forms.CharField(label=_("Note"), max_length=2000, required=False)


class AnnualReviewForm(forms.Form):
    review_year = _year(_("Year reviewed"))
    note = forms.CharField(label=_("Note"), max_length=2000, required=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500)


class CompetitionForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    kind = forms.ChoiceField(label=_("Kind"), choices=CompetitionKind.choices)
    starts_on = _day(_("From"))
    ends_on = _day(_("Until"))


class EntryForm(forms.Form):
    team = forms.ChoiceField(label=_("Registered team"), required=False, choices=())
    name = forms.CharField(label=_("Or a team's name"), max_length=100, required=False)

    def __init__(self, *args: Any, teams: Any = (), **kwargs: Any):
        super().__init__(*args, **kwargs)
        _choices(self, "team", [(str(t.pk), f"{t.name}（{t.org.name}）") for t in teams])


class ResultForm(forms.Form):
    rank = forms.IntegerField(label=_("Rank"), min_value=1, required=False)
    score = forms.DecimalField(label=_("Score"), max_digits=8, decimal_places=2, required=False)
    award = forms.CharField(label=_("Award"), max_length=50, required=False)


class StudioForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    kind = forms.ChoiceField(label=_("Kind"), choices=StudioKind.choices)
    leader = forms.ChoiceField(label=_("Leader"), choices=())
    level = forms.ChoiceField(label=_("Level"), choices=StudioLevel.choices)
    recognised_on = _day(_("Recognised on"))

    def __init__(self, *args: Any, workers: Any = (), **kwargs: Any):
        super().__init__(*args, **kwargs)
        _choices(self, "leader", [(str(w.pk), f"{w.name} {w.id_number_masked}") for w in workers])


class MemberForm(forms.Form):
    worker = forms.ChoiceField(label=_("Worker"), choices=())
    role = forms.CharField(label=_("Role"), max_length=50, required=False)
    joined_on = _day(_("Joined on"), required=False)

    def __init__(self, *args: Any, workers: Any = (), **kwargs: Any):
        super().__init__(*args, **kwargs)
        _choices(self, "worker", [(str(w.pk), f"{w.name} {w.id_number_masked}") for w in workers])


class ProjectForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    year_started = _year(_("Year"))
    status = forms.ChoiceField(label=_("Status"), choices=ProjectStatus.choices)


class StudioResultForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ResultKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    number = forms.CharField(label=_("Number"), max_length=50, required=False)
    achieved_on = _day(_("Date"))
    savings_yuan = forms.DecimalField(label=_("Savings (yuan)"), min_value=0, max_digits=14,
                                      decimal_places=2, required=False)  # fmt: skip


class AllianceForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    kind = forms.ChoiceField(label=_("Kind"), choices=AllianceKind.choices)


class JoinForm(forms.Form):
    studio = forms.ChoiceField(label=_("Studio"), choices=())

    def __init__(self, *args: Any, studios: Any = (), **kwargs: Any):
        super().__init__(*args, **kwargs)
        _choices(self, "studio", [(str(s.pk), f"{s.name}（{s.org.name}）") for s in studios])
