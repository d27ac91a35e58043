"""Worker registry pages: list and search, detail, register and edit, reveal, consents, household
and members, transfers (转移) and possible duplicates (疑似重复). Views are thin: queries read,
services write.

Pages with an object in the URL check the business permission inline (`_business`), before
fetching; the fetch itself (get_*_for) answers 404 outside the user's subtree.
"""

from functools import wraps

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from nuanjia.core import workerpanels
from nuanjia.core.errors import RuleViolation
from nuanjia.core.flash import attempt, saved
from nuanjia.orgs.forms import add_rule_error
from nuanjia.orgs.permissions import check_permission, deny, requires
from nuanjia.orgs.rules import Perm

from . import queries, rules, services
from .forms import (
    ConsentForm,
    HonourForm,
    HouseholdForm,
    MemberForm,
    MergeForm,
    NoteForm,
    RevealForm,
    TransferRequestForm,
    WithdrawConsentForm,
    WorkerForm,
)
from .models import DuplicateCandidate, Household, Worker

# Session key: the record a refused registration may ask to transfer, and its masked summary.
TRANSFER_OFFER = "people.transfer_offer"


def _business(view):
    """Signed-in staff with a business role only (403 for the three administrator roles)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        check_permission(request.user, Perm.VIEW_BUSINESS, request.path)
        return view(request, *args, **kwargs)

    return wrapper


def _authorize_register(request, name: str, org=None) -> None:
    """Refuse (403, audited) a user without a registering role for `org`."""
    services.authorize(request.user, rules.REGISTER_ROLES, name, request.path, org)


def _to_worker(worker: Worker):
    return redirect("people:worker_detail", worker_id=worker.pk)


# ---- Workers ----------------------------------------------------------------------------------


@requires(Perm.VIEW_BUSINESS)
def worker_list_view(request):
    """The registry of the user's subtree; search by name, pinyin, initials, phone or ID last 4."""
    query = request.GET.get("q", "").strip()[:50]
    workers = queries.search_workers(request.user, query).select_related("org")
    context = {
        "page": queries.WORKER_LIST.page(workers, request.GET),
        "query": query,
        "can_register": services.may(request.user, rules.REGISTER_ROLES),
    }
    if request.htmx and request.htmx.target == "worker-results":
        return render(request, "people/_worker_results.html", context)
    return render(request, "people/worker_list.html", context)


@requires(Perm.VIEW_BUSINESS)
def worker_new_view(request):
    """Register a worker. An ID number kept elsewhere in the province is refused, shown
    masked with its owning union, and offered as a transfer request."""
    _authorize_register(request, "worker.register")
    form = WorkerForm(request.POST or None, user=request.user)
    existing = None
    if request.method == "POST" and form.is_valid():
        try:
            worker = services.register_worker(
                org=request.user.org, by=request.user, **form.values()
            )
        except services.DuplicateWorker as error:
            existing = _offer(request, error)
            form.add_error("id_number", error.message)
            form.forget_numbers()
        except RuleViolation as error:
            add_rule_error(form, error)
        else:
            messages.success(request, _("%(name)s has been registered.") % {"name": worker.name})
            return _to_worker(worker)
    return render(
        request,
        "people/worker_form.html",
        {"form": form, "existing": existing, "transfer_form": TransferRequestForm()},
    )


def _offer(request, error) -> dict:
    """Remember which record the user may ask for (server side only) and what to show of it."""
    summary = error.summary.as_dict()
    if error.summary.is_in_your_area:
        summary["url"] = reverse("people:worker_detail", kwargs={"worker_id": error.existing.pk})
        request.session.pop(TRANSFER_OFFER, None)
    else:
        request.session[TRANSFER_OFFER] = {"worker": error.existing.pk, "summary": summary}
    return summary


@requires(Perm.VIEW_BUSINESS)
def transfer_request_view(request):
    """Ask the owning union for the record a refused registration found (kept in the session)."""
    _authorize_register(request, "transfer.request")
    offer = request.session.get(TRANSFER_OFFER)
    if not offer:
        messages.error(
            request,
            _("Enter the worker's ID number first; a record kept elsewhere can then be asked for."),
        )
        return redirect("people:worker_new")
    form = TransferRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        worker = Worker.objects.select_related("org").filter(pk=offer["worker"]).first()
        if worker is None:
            request.session.pop(TRANSFER_OFFER, None)
            raise Http404
        try:
            services.request_transfer(worker, by=request.user, reason=form.cleaned_data["reason"])
        except RuleViolation as error:
            add_rule_error(form, error)
        else:
            request.session.pop(TRANSFER_OFFER, None)
            messages.success(
                request,
                _("The transfer request has been sent to %(org)s.")
                % {"org": offer["summary"]["org"]},
            )
            return redirect("people:transfer_list")
    return render(
        request, "people/transfer_request.html", {"form": form, "existing": offer["summary"]}
    )


@_business
def worker_detail_view(request, worker_id: int):
    worker = queries.get_worker_for(request.user, worker_id)
    return render(request, "people/worker_detail.html", _detail_context(request, worker))


def _detail_context(request, worker: Worker, **extra) -> dict:
    household = queries.household_of(worker)
    income = has_minimum_wage = None
    if household is not None:
        income, has_minimum_wage = queries.household_income(household)
    return {
        "worker": worker,
        "occupations": list(worker.occupations.all()),
        "household": household,
        "income": income,
        "has_minimum_wage": has_minimum_wage,
        "consents": worker.consents.select_related("recorded_by").order_by("-given_on", "-pk"),
        "transfers": worker.transfer_requests.select_related(
            "from_org", "to_org", "requested_by", "decided_by"
        ).order_by("-requested_at"),
        "can_edit": services.may(request.user, rules.REGISTER_ROLES, worker.org),
        "can_reveal": services.may_reveal(request.user, worker),
        "consent_form": ConsentForm(),
        "honours": worker.honours.all(),
        "honour_form": HonourForm(),
        "panels": workerpanels.panels_for(worker),
        "reveal_form": RevealForm(),
        **extra,
    }


@_business
def worker_edit_view(request, worker_id: int):
    worker = queries.get_worker_for(request.user, worker_id, write=True)
    _authorize_register(request, "worker.update", worker.org)
    form = WorkerForm(
        request.POST or None,
        user=request.user,
        worker=worker,
        initial=WorkerForm.initial_for(worker),
    )
    existing = None
    if request.method == "POST" and form.is_valid():
        try:
            services.update_worker(worker, by=request.user, **form.values())
        except services.DuplicateWorker as error:
            existing = error.summary.as_dict()
            form.add_error("id_number", error.message)
            form.forget_numbers()
        except RuleViolation as error:
            add_rule_error(form, error)
        else:
            messages.success(request, _("Saved."))
            return _to_worker(worker)
    return render(
        request, "people/worker_form.html", {"form": form, "worker": worker, "existing": existing}
    )


@never_cache
@require_POST
@_business
def worker_reveal_view(request, worker_id: int):
    """Show one full number once, to a user with the permission who gives a reason (audited)."""
    worker = queries.get_worker_for(request.user, worker_id)
    if not services.may_reveal(request.user, worker):
        deny(request.user, Perm.REVEAL_PERSONAL_DATA, request.path)
    form = RevealForm(request.POST)
    revealed = None
    if form.is_valid():
        reveal = (
            services.reveal_id_number
            if form.cleaned_data["field"] == "id_number"
            else services.reveal_bank_account
        )
        try:
            revealed = {
                "field": form.cleaned_data["field"],
                "value": reveal(worker, reason=form.cleaned_data["reason"], by=request.user),
            }
        except RuleViolation as error:
            add_rule_error(form, error)
    if request.htmx:
        return render(
            request,
            "people/_reveal.html",
            {
                "worker": worker,
                "reveal_form": form,
                "revealed": revealed,
                "field": request.POST.get("field", ""),
            },
        )
    return render(
        request,
        "people/worker_detail.html",
        _detail_context(request, worker, reveal_form=form, revealed=revealed),
    )


@require_POST
@_business
def consent_new_view(request, worker_id: int):
    worker = queries.get_worker_for(request.user, worker_id, write=True)
    _authorize_register(request, "consent.record", worker.org)
    form = ConsentForm(request.POST)
    if saved(
        request,
        form,
        lambda: services.record_consent(worker, by=request.user, **form.cleaned_data),
        _("The consent has been recorded."),
    ):
        return _to_worker(worker)
    return render(
        request, "people/worker_detail.html", _detail_context(request, worker, consent_form=form)
    )


@require_POST
@_business
def consent_withdraw_view(request, worker_id: int):
    worker = queries.get_worker_for(request.user, worker_id, write=True)
    _authorize_register(request, "consent.withdraw", worker.org)
    form = WithdrawConsentForm(request.POST)
    consent = (
        worker.consents.filter(pk=form.cleaned_data["consent"]).first() if form.is_valid() else None
    )
    if consent is None:
        raise Http404
    attempt(
        request,
        lambda: services.withdraw_consent(consent, by=request.user),
        _("The consent has been marked as withdrawn."),
    )
    return _to_worker(worker)


# ---- Household --------------------------------------------------------------------------------


@_business
def household_view(request, worker_id: int):
    """Open the worker's household, or edit its housing and exclusion facts."""
    worker = queries.get_worker_for(request.user, worker_id, write=True)
    _authorize_register(request, "household.edit", worker.org)
    household = queries.household_of(worker)
    initial = (
        HouseholdForm.initial_for(household) if household else {"region_code": worker.region_code}
    )
    form = HouseholdForm(request.POST or None, initial=initial)

    def save():
        if household is None:
            return services.create_household(worker, by=request.user, **form.cleaned_data)
        return services.update_household(household, by=request.user, **form.cleaned_data)

    if saved(request, form, save, _("Saved.")):
        return _to_worker(worker)
    return render(
        request,
        "people/household_form.html",
        {"form": form, "worker": worker, "household": household},
    )


@_business
def member_new_view(request, worker_id: int):
    worker = queries.get_worker_for(request.user, worker_id, write=True)
    _authorize_register(request, "household.member_add", worker.org)
    household = queries.household_of(worker)
    if household is None:
        messages.error(request, _("Open the household first."))
        return redirect("people:household", worker_id=worker.pk)
    return _member_page(
        request,
        worker,
        lambda values: services.add_member(household, by=request.user, **values),
        _("The member has been added."),
    )


@_business
def member_edit_view(request, member_id: int):
    member = queries.get_member_for(request.user, member_id, write=True)
    worker = member.household.worker
    _authorize_register(request, "household.member_change", member.household.org)
    return _member_page(
        request,
        worker,
        lambda values: services.update_member(member, by=request.user, **values),
        _("Saved."),
        member,
    )


def _member_page(request, worker: Worker, save, done_message: str, member=None):
    """The form of a new (or the given) member: saved through `save(values)` and back to the
    worker, or shown again with what to correct."""
    initial = MemberForm.initial_for(member) if member is not None else None
    form = MemberForm(request.POST or None, member=member, initial=initial)
    if saved(request, form, lambda: save(form.values()), done_message):
        return _to_worker(worker)
    return render(
        request, "people/member_form.html", {"form": form, "worker": worker, "member": member}
    )


@require_POST
@_business
def member_remove_view(request, member_id: int):
    member = queries.get_member_for(request.user, member_id, write=True)
    worker = member.household.worker
    _authorize_register(request, "household.member_remove", member.household.org)
    attempt(
        request,
        lambda: services.remove_member(member, by=request.user),
        _("%(name)s has been removed from the household.") % {"name": member.name},
    )
    return _to_worker(worker)


# ---- Transfers --------------------------------------------------------------------------------


@requires(Perm.VIEW_BUSINESS)
def transfer_list_view(request):
    """The transfer inbox: requests for records we keep (paged, oldest first), and the latest
    requests we made."""
    params = request.GET.copy()
    params.setdefault("sort", "oldest")
    page = queries.TRANSFER_LIST.page(queries.transfers_to_decide(request.user), params)
    context = {
        "page": page,
        "to_decide": page.rows,
        "requested": queries.transfers_requested(request.user).order_by("-requested_at")[:100],
        "can_decide": services.may(request.user, rules.DECIDE_TRANSFER_ROLES),
        "note_form": NoteForm(),
    }
    return render(request, "people/transfer_list.html", context)


def _decide_transfer(request, transfer_id: int, decide, done_message: str):
    transfer = queries.get_transfer_for(request.user, transfer_id, write=True)
    services.authorize_decision(request.user, transfer, request.path)
    form = NoteForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    attempt(
        request,
        lambda: decide(transfer, by=request.user, note=note),
        done_message % {"name": transfer.worker.name, "org": transfer.to_org.name},
    )
    return redirect("people:transfer_list")


@require_POST
@_business
def transfer_accept_view(request, transfer_id: int):
    return _decide_transfer(
        request, transfer_id, services.accept_transfer, _("%(name)s's record has moved to %(org)s.")
    )


@require_POST
@_business
def transfer_decline_view(request, transfer_id: int):
    return _decide_transfer(
        request,
        transfer_id,
        services.decline_transfer,
        _("The request of %(org)s for %(name)s's record has been declined."),
    )


# ---- Possible duplicates ----------------------------------------------------------------------


@requires(Perm.VIEW_BUSINESS)
def duplicate_list_view(request):
    """The review queue of possible duplicates, best score first, and the latest decisions."""
    page = queries.DUPLICATE_LIST.page(queries.duplicates_to_review(request.user), request.GET)
    decided = (
        queries.visible_duplicates(request.user)
        .exclude(status=DuplicateCandidate.Status.OPEN)
        .order_by("-decided_at")[:20]
    )
    return render(request, "people/duplicate_list.html", {"page": page, "decided": decided})


@_business
def duplicate_detail_view(request, candidate_id: int):
    candidate = queries.get_candidate_for(request.user, candidate_id)
    return render(request, "people/duplicate_detail.html", _candidate_context(request, candidate))


def _candidate_context(request, candidate: DuplicateCandidate) -> dict:
    reasons = [
        (
            _FACT_LABELS[fact],
            _MATCH_LABELS.get(reason.get("match"), reason.get("match")),
            reason.get("similarity"),
        )
        for fact, reason in candidate.reasons.items()
        if fact in _FACT_LABELS
    ]
    pair = [candidate.worker, candidate.other]
    households = {
        household.worker_id: household for household in Household.objects.filter(worker__in=pair)
    }
    return {
        "candidate": candidate,
        "pair": [(worker, households.get(worker.pk)) for worker in pair],
        "reasons": reasons,
        "can_review": services.may(request.user, rules.REVIEW_DUPLICATE_ROLES, candidate.worker.org)
        and services.in_scope(request.user, candidate.other.org),
        "note_form": NoteForm(),
        "is_open": candidate.status
        in (DuplicateCandidate.Status.OPEN, DuplicateCandidate.Status.UNMERGED),
    }


_FACT_LABELS = {
    "name": gettext_lazy("Full name"),
    "birth_date": gettext_lazy("Birth date"),
    "phone": gettext_lazy("Mobile phone"),
    "address": gettext_lazy("Address"),
}
_MATCH_LABELS = {
    "same": gettext_lazy("same"),
    "same_pinyin": gettext_lazy("same pinyin"),
    "similar": gettext_lazy("similar"),
    "typo": gettext_lazy("one typing slip apart"),
    "different": gettext_lazy("different"),
    "unknown": gettext_lazy("not recorded"),
}


def _review(request, candidate_id: int, action, done_message: str, **kwargs):
    candidate = queries.get_candidate_for(request.user, candidate_id, write=True)
    services.authorize(
        request.user,
        rules.REVIEW_DUPLICATE_ROLES,
        "duplicate.review",
        request.path,
        candidate.worker.org,
    )
    form = (
        MergeForm(request.POST) if action is services.merge_duplicates else NoteForm(request.POST)
    )
    if not form.is_valid():
        messages.error(request, _("Choose the record to keep."))
        return redirect("people:duplicate_detail", candidate_id=candidate.pk)
    if action is services.merge_duplicates:
        keep = {candidate.worker_id: candidate.worker, candidate.other_id: candidate.other}.get(
            form.cleaned_data["keep"]
        )
        if keep is None:
            messages.error(request, _("Choose one of the two records to keep."))
            return redirect("people:duplicate_detail", candidate_id=candidate.pk)
        kwargs["keep"] = keep
    attempt(
        request,
        lambda: action(candidate, by=request.user, note=form.cleaned_data["note"], **kwargs),
        done_message,
    )
    return redirect("people:duplicate_detail", candidate_id=candidate.pk)


@require_POST
@_business
def duplicate_merge_view(request, candidate_id: int):
    return _review(
        request, candidate_id, services.merge_duplicates, _("The two records have been merged.")
    )


@require_POST
@_business
def duplicate_keep_apart_view(request, candidate_id: int):
    return _review(request, candidate_id, services.keep_apart, _("The two records are kept apart."))


@require_POST
@_business
def duplicate_unmerge_view(request, candidate_id: int):
    return _review(request, candidate_id, services.unmerge, _("The merge has been undone."))
