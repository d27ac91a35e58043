"""The phone pages: the member's "附近零工" on /m/ (open jobs near them by distance, their
sign-up with the days free and skills, their matches with consent) and the employer's job
posts on /p/ (entering a post, the matches with the worker's phone once they consented).
No other member's or partner's ids: what a page changes is looked up among the holder's own."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from nuanjia.core.errors import RuleViolation
from nuanjia.members.auth import member_page, partner_page
from nuanjia.members.models import Partner

from .. import forms, queries, services
from ..models import Corner, JobPost
from ..services.common import place


def _int(request, key: str) -> int:
    value = request.POST.get(key, "")
    return int(value) if value.isdigit() else 0


def _point(request, gig):
    """Where to look from: the phone's position when it gave one, else the worker's own
    place, else their corner."""
    try:
        return place(request.GET["lat"], request.GET["lng"])
    except (KeyError, RuleViolation):
        pass
    if gig is not None and gig.lat is not None and gig.lng is not None:
        return gig.lat, gig.lng
    if gig is not None:
        return gig.corner.lat, gig.corner.lng
    return None


def _member_post(request, member, gig) -> str:
    action = request.POST.get("action", "")
    if action == "sign_up":
        form = forms.SignUpForm(request.POST, corners=Corner.objects.filter(is_active=True))
        if not form.is_valid():
            raise RuleViolation(str(next(iter(form.errors.values()))[0]), field="form")
        data = dict(form.cleaned_data)
        corner = Corner.objects.get(pk=int(data.pop("corner")), is_active=True)
        services.member_sign_up(member, corner, **data)
        return _("You are signed up. Jobs near you show below.")
    if action == "apply":
        post = JobPost.objects.filter(pk=_int(request, "post")).first()
        if post is None:
            raise RuleViolation(_("Choose one of the jobs shown."), field="post")
        services.member_apply(member, post)
        return _("You asked for the job: the corner and the employer will call you.")
    match = queries.member_matches(member).filter(pk=_int(request, "match")).first()
    if match is None:
        raise RuleViolation(_("This is not your match."), field="match")
    if action == "consent":
        services.member_consent(member, match)
        return _("You agreed: the employer can now see your phone number.")
    services.member_decline(member, match)
    return _("You declined the job.")


@member_page
def my_jobs_view(request):
    member = request.member
    gig = queries.gig_worker_of(member)
    if request.method == "POST":
        try:
            messages.success(request, _member_post(request, member, gig))
        except RuleViolation as error:
            messages.error(request, error.message)
        return redirect("gigjobs:my_jobs")
    point = _point(request, gig)
    near = queries.near_posts(*point, on=timezone.localdate()) if point else []
    corners = queries.nearest_corners(*(point or (None, None)))
    initial = {"name": gig.name, "corner": gig.corner_id, "skills": gig.skills,
               "available_from": gig.available_from, "available_until": gig.available_until,
               } if gig else {"available_from": timezone.localdate()}  # fmt: skip
    mine = queries.member_matches(member).order_by("-created_at")[:30]
    applied = {match.post_id for match in mine}
    return render(request, "gigjobs/my_jobs.html", {
        "gig": gig, "near": [(round(d / 1000, 1), post) for d, post in near],
        "applied": applied, "matches": mine,
        "form": forms.SignUpForm(initial=initial, corners=corners),
    })  # fmt: skip


def _employer(request) -> Partner:
    partner = request.partner_user.partner
    if partner.kind != Partner.Kind.EMPLOYER:
        raise RuleViolation(_("Only an employer's account enters job posts."), field="partner")
    return partner


@partner_page
def employer_posts_view(request):
    partner = _employer(request)
    corners = Corner.objects.filter(is_active=True, org__path__startswith=partner.org.path)
    form = forms.PostForm(request.POST or None)
    if request.method == "POST":
        corner = corners.filter(pk=_int(request, "corner")).first()
        try:
            if corner is None:
                raise RuleViolation(_("Choose a corner of your union."), field="corner")
            if not form.is_valid():
                raise RuleViolation(str(next(iter(form.errors.values()))[0]), field="form")
            services.create_post(corner, partner=partner, **form.values(corner))
            messages.success(request, _("The job post has been entered."))
            return redirect("gigjobs:employer_posts")
        except RuleViolation as error:
            messages.error(request, error.message)
    matches = [
        (match, services.contact_for_employer(match, partner=partner))
        for match in queries.partner_matches(partner).order_by("-created_at")[:100]
    ]
    return render(request, "gigjobs/employer_posts.html", {
        "partner": partner, "posts": queries.partner_posts(partner).order_by("-created_at")[:50],
        "matches": matches, "form": form, "corners": corners[:100],
    })  # fmt: skip
