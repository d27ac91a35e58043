"""Hardship pages: the file list and to-do lists, a file with its timeline and the steps the
user's roles allow, objections, changes, the publicity print view, the watch list, the
review due list and the 低保 standards table. Every write goes through services."""

from collections.abc import Callable
from dataclasses import dataclass

from django import forms as django_forms
from django.contrib import messages
from django.core.exceptions import FieldDoesNotExist
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from nuanjia.core.errors import RuleViolation
from nuanjia.orgs.permissions import requires
from nuanjia.orgs.queries import get_scoped_or_404, scope
from nuanjia.orgs.rules import Perm
from nuanjia.people.models import Household, HouseholdMember
from nuanjia.standards import services as standards_services
from nuanjia.standards.models import DibaoStandard, MinimumWage

from . import forms, queries, rules, services, tasks
from .models import BulkRun, HardshipFile, HardshipPolicy, Objection
from .rules import Category, Status, Step

PAGE_SIZE = 50
SEARCH_LIMIT = 20
# A re-assessment touching at most this many files runs in the request; larger ones are queued.
INLINE_BULK_LIMIT = 20_000


# Service field names (分, dates) → the form fields that carry them (元, inputs).
FORM_FIELDS = {
    "gradual_exit_monthly_fen": "gradual_exit_monthly",
    "monthly_standard_fen": "monthly_standard",
    "sudden_compensation_fen": "sudden_compensation",
    "publicity_starts_on": "starts_on",
    "monthly_fen": "monthly",
}


def _apply_error(form, error: RuleViolation) -> None:
    field = FORM_FIELDS.get(error.field or "", error.field)
    form.add_error(field if field in form.fields else None, error.message)


def _query_string(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


# ---- Lists --------------------------------------------------------------------------------


@requires(Perm.VIEW_BUSINESS)
def file_list_view(request):
    """All files in scope, filtered by status, category, a to-do list or a search."""
    files = queries.visible_files(request.user).select_related("household__worker__employer")
    filters = {
        key: request.GET.get(key, "").strip()
        for key in ("status", "category", "todo", "q", "tiered")
    }
    todo = queries.todo_filters().get(filters["todo"])
    if todo is not None:
        files = files.filter(todo[0])
    if filters["status"] in Status.values:
        files = files.filter(status=filters["status"])
    if filters["category"] in Category.values and filters["category"]:
        files = files.filter(category=filters["category"])
    if filters["tiered"]:
        files = files.filter(is_tiered_help=True)  # 梯度帮扶: families just above the line
    if query := filters["q"]:
        match = Q(household__worker__name__icontains=query) | Q(
            household__worker__name_pinyin__startswith=query.lower()
        )
        if query.replace("-", "").isdigit():
            number = query.rsplit("-", 1)[-1]
            match |= Q(pk=int(number)) if number.isdigit() else Q()
        files = files.filter(match)
    page = Paginator(files.order_by("-updated_at", "-id"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        "page": page,
        "filters": filters,
        "query": _query_string(request),
        "statuses": Status.choices,
        "categories": [choice for choice in Category.choices if choice[0]],
        "todo_label": _todo_label(filters["todo"]),
        "can_open": rules.role_may(request.user.roles, Step.APPLY),
    }
    return render(request, "hardship/file_list.html", context)


def _todo_label(key: str) -> str:
    from .todo import TODO_LABELS

    return str(TODO_LABELS.get(key, ""))


@requires(Perm.VIEW_BUSINESS)
def watch_list_view(request):
    """Exited families (脱困监测) and those in their gradual exit."""
    files = queries.watch_list(request.user).select_related("household__worker")
    status = request.GET.get("status", "")
    if status in rules.EXIT_STATUSES:
        files = files.filter(status=status)
    page = Paginator(files.order_by("-exited_on", "-id"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "hardship/watch_list.html",
        {"page": page, "status": status, "query": _query_string(request)},
    )


@requires(Perm.VIEW_BUSINESS)
def objection_list_view(request):
    objections = queries.open_objections(request.user).select_related(
        "file__household__worker", "file__org"
    )
    return render(request, "hardship/objection_list.html", {"objections": objections[:200]})


# ---- Opening a file -----------------------------------------------------------------------


def _visible_households(user):
    return scope(Household.objects.select_related("worker", "org"), user)


@requires(Perm.VIEW_BUSINESS)
def file_new_view(request):
    """Find a household in scope and open its file (an application or union-initiated)."""
    can_open = rules.role_may(request.user.roles, Step.APPLY)
    if request.method == "POST":
        services.authorize_roles(
            request.user, rules.STEP_ROLES[Step.APPLY], Step.APPLY, request.path
        )
        form = forms.OpenFileForm(request.POST)
        if form.is_valid():
            household = get_scoped_or_404(
                _visible_households(request.user),
                request.user,
                write=True,
                pk=form.cleaned_data["household"],
            )
            try:
                hardship_file = services.open_file(
                    household,
                    by=request.user,
                    is_union_initiated=form.cleaned_data["is_union_initiated"],
                    note=form.cleaned_data["note"],
                )
            except RuleViolation as error:
                messages.error(request, error.message)
            else:
                messages.success(
                    request, _("File %(number)s opened.") % {"number": hardship_file.number}
                )
                return redirect("hardship:detail", file_id=hardship_file.pk)
    query = request.GET.get("q", "").strip()
    results = []
    if query:
        households = _visible_households(request.user).filter(
            Q(worker__name__icontains=query)
            | Q(worker__name_pinyin__startswith=query.lower())
            | Q(worker__id_last4=query)
        )
        results = list(households.order_by("worker__name_pinyin", "pk")[:SEARCH_LIMIT])
        live = {
            row["household_id"]: row["status"]
            for row in HardshipFile.objects.filter(
                household__in=[h.pk for h in results], status__in=rules.LIVE_STATUSES
            ).values("household_id", "status")
        }
        for household in results:
            household.live_status = live.get(household.pk)
    context = {
        "query": query,
        "results": results,
        "form": forms.OpenFileForm(),
        "can_open": can_open,
        "limit": SEARCH_LIMIT,
    }
    return render(request, "hardship/file_new.html", context)


# ---- One file -----------------------------------------------------------------------------


@dataclass(frozen=True)
class StepPage:
    """A step's page: its form, how the form becomes a service call, its button style."""

    step: str
    form: type[django_forms.Form]
    run: Callable
    is_danger: bool = False

    @property
    def slug(self) -> str:
        return self.step.replace("_", "-")

    @property
    def url_name(self) -> str:
        return f"hardship:step_{self.step}"

    @property
    def label(self) -> str:
        return str(rules.Step(self.step).label)


def _fen(data, key):
    return forms.to_fen(data.get(key))


STEP_PAGES: dict[str, StepPage] = {
    page.step: page
    for page in [
        StepPage(
            Step.CHECK, forms.NoteForm, lambda f, d, u: services.check_file(f, by=u, note=d["note"])
        ),
        StepPage(
            Step.VISIT,
            forms.VisitForm,
            lambda f, d, u: services.record_visit(
                f,
                by=u,
                visited_on=d["visited_on"],
                consent_signed_on=d["consent_signed_on"],
                consent_evidence=d["consent_evidence"],
                sudden_cause=d["sudden_cause"],
                sudden_compensation_fen=_fen(d, "sudden_compensation") or 0,
                note=d["note"],
            ),
        ),
        StepPage(
            Step.REVIEW,
            forms.ReviewForm,
            lambda f, d, u: services.review_file(
                f,
                by=u,
                civil_affairs_note=d["civil_affairs_note"],
                category=d["category"],
                monthly_standard_fen=_fen(d, "monthly_standard"),
                note=d["note"],
            ),
        ),
        StepPage(
            Step.PUBLISH,
            forms.PublishForm,
            lambda f, d, u: services.start_publicity(f, by=u, starts_on=d["starts_on"]),
        ),
        StepPage(
            Step.APPROVE,
            forms.NoteForm,
            lambda f, d, u: services.approve_file(f, by=u, note=d["note"]),
        ),
        StepPage(Step.FILE, django_forms.Form, lambda f, d, u: services.complete_filing(f, by=u)),
        StepPage(
            Step.START_REVIEW,
            forms.StartReviewForm,
            lambda f, d, u: services.start_review(f, by=u, reason=d["reason"], note=d["note"]),
        ),
        StepPage(
            Step.COMPLETE_REVIEW,
            forms.CompleteReviewForm,
            lambda f, d, u: services.complete_review(
                f,
                by=u,
                category=d["category"] or None,
                monthly_standard_fen=_fen(d, "monthly_standard"),
                note=d["note"],
            ),
        ),
        StepPage(
            Step.EXIT,
            forms.ExitForm,
            lambda f, d, u: services.exit_file(
                f,
                by=u,
                reason=d["exit_reason"],
                note=d["note"],
                gradual_exit_months=d["gradual_exit_months"] or None,
                gradual_exit_monthly_fen=_fen(d, "gradual_exit_monthly"),
            ),
            is_danger=True,
        ),
        StepPage(
            Step.END_GRADUAL_EXIT,
            forms.NoteForm,
            lambda f, d, u: services.end_gradual_exit(f, by=u, note=d["note"]),
        ),
        StepPage(
            Step.RE_ENTER,
            forms.RequiredNoteForm,
            lambda f, d, u: services.re_enter_file(f, by=u, note=d["note"]),
        ),
        StepPage(
            Step.SEND_BACK,
            forms.RequiredNoteForm,
            lambda f, d, u: services.send_back_file(f, by=u, note=d["note"]),
            is_danger=True,
        ),
        StepPage(
            Step.REJECT,
            forms.RequiredNoteForm,
            lambda f, d, u: services.reject_file(f, by=u, note=d["note"]),
            is_danger=True,
        ),
        StepPage(
            Step.WITHDRAW,
            forms.RequiredNoteForm,
            lambda f, d, u: services.withdraw_file(f, by=u, note=d["note"]),
            is_danger=True,
        ),
    ]
}


def _step_initial(hardship_file: HardshipFile, step: str) -> dict:
    if step == Step.REVIEW:
        suggested = rules.default_monthly_standard_fen(
            hardship_file.category_proposed, hardship_file.dibao_fen or 0
        )
        return {
            "category": hardship_file.category_proposed or Category.RELATIVE,
            "monthly_standard": forms.to_yuan(suggested) if suggested else None,
        }
    if step == Step.EXIT:
        policy = queries.policy_for(hardship_file.region_code)
        return {
            "gradual_exit_monthly": forms.to_yuan(
                rules.gradual_exit_cap_fen(hardship_file.monthly_standard_fen, policy)
            )
        }
    return {}


@requires(Perm.VIEW_BUSINESS)
def file_detail_view(request, file_id: int):
    hardship_file = queries.get_file_for(request.user, file_id)
    user = request.user
    steps = [
        STEP_PAGES[step]
        for step in rules.steps_for(hardship_file.status, user.roles)
        if step in STEP_PAGES
    ]
    household = hardship_file.household
    policy = queries.policy_for(hardship_file.region_code)
    context = {
        "file": hardship_file,
        "worker": household.worker,
        "household": household,
        "members": household.members.order_by("pk"),
        "events": queries.file_history(hardship_file),
        "objections": hardship_file.objections.select_related("recorded_by", "resolved_by"),
        "steps": steps,
        "can_object": hardship_file.status == Status.IN_PUBLICITY
        and bool(rules.OBJECTION_ROLES & user.roles),
        "can_resolve": bool(rules.RESOLVE_OBJECTION_ROLES & user.roles),
        "can_change": hardship_file.status in rules.FILED_STATUSES
        and bool(rules.PROPOSE_CHANGE_ROLES & user.roles),
        "policy": policy,
        "gradual_cap_fen": rules.gradual_exit_cap_fen(hardship_file.monthly_standard_fen, policy),
        "show_gradual_hint": hardship_file.status in rules.FILED_STATUSES
        and hardship_file.monthly_standard_fen > 0,
        "pending_change": _describe_change(hardship_file),
    }
    return render(request, "hardship/file_detail.html", context)


def _describe_change(hardship_file: HardshipFile) -> list[str]:
    """The pending change in words, for the reviewer who decides it."""
    change = hardship_file.pending_change or {}
    members = {member.pk: member.name for member in hardship_file.household.members.all()}
    lines = []
    for member_id, values in (change.get("members") or {}).items():
        for field, value in values.items():
            label = forms.MONEY_LABELS.get(field) or _field_label(HouseholdMember, field)
            lines.append(
                f"{members.get(int(member_id), member_id)} · {label}: {_shown(field, value)}"
            )
    for values in change.get("add") or []:
        lines.append(_("New member: %(name)s") % {"name": values.get("name", "")})
    for member_id in change.get("remove") or []:
        lines.append(
            _("Member leaves the household: %(name)s") % {"name": members.get(member_id, member_id)}
        )
    for field, value in (change.get("household") or {}).items():
        lines.append(f"{_field_label(Household, field)}: {_shown(field, value)}")
    return lines


def _field_label(model, field: str) -> str:
    try:
        return str(model._meta.get_field(field).verbose_name)
    except FieldDoesNotExist:  # a field the model no longer has: show its name
        return field


def _shown(field: str, value) -> str:
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if field.endswith("_fen") and isinstance(value, int):
        return rules.format_yuan(value)
    return str(value)


@requires(Perm.VIEW_BUSINESS)
def step_view(request, file_id: int, step: str):
    """One step on one file: its form (GET) and the service call (POST)."""
    hardship_file = queries.get_file_for(request.user, file_id, write=True)
    services.authorize_step(request.user, step, hardship_file, request.path)
    page = STEP_PAGES[step]
    form = page.form(
        request.POST if request.method == "POST" else None,
        initial=_step_initial(hardship_file, step),
    )
    if request.method == "POST" and form.is_valid():
        try:
            page.run(hardship_file, form.cleaned_data, request.user)
        except RuleViolation as error:
            _apply_error(form, error)
        else:
            hardship_file.refresh_from_db()
            messages.success(
                request,
                _("%(step)s: done. The file is now %(status)s.")
                % {"step": page.label, "status": hardship_file.get_status_display()},
            )
            return redirect("hardship:detail", file_id=hardship_file.pk)
    return render(
        request, "hardship/step.html", {"file": hardship_file, "form": form, "page": page}
    )


@requires(Perm.VIEW_BUSINESS)
def objection_new_view(request, file_id: int):
    hardship_file = queries.get_file_for(request.user, file_id, write=True)
    services.authorize_roles(request.user, rules.OBJECTION_ROLES, "objection", request.path)
    form = forms.ObjectionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_objection(hardship_file, by=request.user, **form.cleaned_data)
        except RuleViolation as error:
            _apply_error(form, error)
        else:
            messages.success(
                request, _("The objection is recorded; approval waits until it is resolved.")
            )
            return redirect("hardship:detail", file_id=hardship_file.pk)
    page = {"label": _("Record an objection")}
    return render(
        request, "hardship/step.html", {"file": hardship_file, "form": form, "page": page}
    )


@requires(Perm.VIEW_BUSINESS)
def objection_resolve_view(request, objection_id: int):
    objection = queries.get_objection_for(request.user, objection_id, write=True)
    services.authorize_roles(
        request.user, rules.RESOLVE_OBJECTION_ROLES, "objection_resolved", request.path
    )
    form = forms.ResolveObjectionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.resolve_objection(
                objection,
                by=request.user,
                is_upheld=form.cleaned_data["result"] == "upheld",
                resolution=form.cleaned_data["resolution"],
            )
        except RuleViolation as error:
            _apply_error(form, error)
        else:
            messages.success(request, _("The objection is resolved."))
            return redirect("hardship:detail", file_id=objection.file_id)
    page = {"label": _("Resolve the objection"), "objection": objection}
    return render(
        request, "hardship/step.html", {"file": objection.file, "form": form, "page": page}
    )


@requires(Perm.VIEW_BUSINESS)
def change_view(request, file_id: int):
    """Propose a change to a filed family; it takes effect when a reviewer completes the review."""
    hardship_file = queries.get_file_for(request.user, file_id, write=True)
    services.authorize_roles(request.user, rules.PROPOSE_CHANGE_ROLES, "change", request.path)
    household = hardship_file.household
    form = forms.ChangeForm(request.POST if request.method == "POST" else None, household=household)
    if request.method == "POST" and form.is_valid():
        try:
            services.propose_change(
                hardship_file, form.change(), by=request.user, note=form.cleaned_data["note"]
            )
        except RuleViolation as error:
            _apply_error(form, error)
        else:
            messages.success(
                request,
                _(
                    "The change is waiting for review; it takes effect when the review is completed."
                ),
            )
            return redirect("hardship:detail", file_id=hardship_file.pk)
    page = {"label": _("Propose a change")}
    return render(
        request, "hardship/step.html", {"file": hardship_file, "form": form, "page": page}
    )


# ---- Publicity ----------------------------------------------------------------------------


@requires(Perm.VIEW_BUSINESS)
def publicity_view(request):
    """The publicity list (公示名单) to print and post: masked name, unit, category and monthly
    amount only — never an ID number, phone or diagnosis."""
    rows = queries.publicity_rows(request.user)
    context = {
        "rows": rows,
        "org": request.user.org,
        "today": timezone.localdate(),
        "last_day": max((row["publicity_ends_on"] for row in rows), default=None),
    }
    return render(request, "hardship/publicity.html", context)


# ---- Reviews ------------------------------------------------------------------------------


@requires(Perm.VIEW_BUSINESS)
def review_list_view(request):
    """The annual review due list, and the set-based run that marks it and draws spot checks."""
    user = request.user
    can_run = bool(rules.BULK_ROLES & user.roles)
    form = forms.ReviewListForm(
        request.POST or request.GET or None, initial={"year": timezone.localdate().year, "seed": 0}
    )
    year = timezone.localdate().year
    if form.is_bound and form.is_valid():
        year = form.cleaned_data["year"]
    due = services.review_due_files(user.org, year).filter(
        pk__in=queries.visible_files(user).values("pk")
    )
    if request.method == "POST":
        services.authorize_roles(user, rules.BULK_ROLES, "review_list", request.path)
        if form.is_valid():
            run = services.start_review_list(
                user.org, year=year, seed=form.cleaned_data["seed"] or 0, by=user
            )
            _run_or_queue(run, tasks.run_review_list_task)
            messages.success(
                request,
                _("%(count)d files are on the %(year)d review list.")
                % {"count": run.total, "year": year},
            )
            return redirect(f"{request.path}?year={year}")
    policy = queries.policy_for(user.org.region_code) if user.org else rules.DEFAULT_POLICY
    total = due.count()
    page = Paginator(
        due.select_related("org", "household__worker").order_by("next_review_on", "pk"), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "year": year,
        "total": total,
        "spot_checks": rules.spot_check_count(total, policy.spot_check_percent),
        "policy": policy,
        "can_run": can_run,
        "runs": scope(BulkRun.objects.filter(kind=BulkRun.Kind.REVIEW_LIST), user)[:5],
        "query": _query_string(request),
    }
    return render(request, "hardship/review_list.html", context)


def _run_or_queue(run: BulkRun, task) -> None:
    """Small runs finish in the request; large ones go to the task queue after commit."""
    if run.total <= INLINE_BULK_LIMIT:
        task.call(run.pk)
    else:
        transaction.on_commit(lambda: task.enqueue(run.pk))


# ---- Standards ----------------------------------------------------------------------------

STANDARD_KINDS = {
    "dibao": (DibaoStandard, gettext_lazy("Dibao standard")),
    "wage": (MinimumWage, gettext_lazy("Minimum wage")),
}


def _may_set_standards(user) -> bool:
    return bool(rules.STANDARD_ROLES & user.roles) and queries.user_region_org(user) is not None


@requires(Perm.VIEW_BUSINESS)
def standards_view(request):
    """The 低保 standards and minimum wages that apply to the user's regions."""
    user = request.user
    may_edit = _may_set_standards(user)
    editable = (
        set(queries.editable_standards(user).values_list("pk", flat=True)) if may_edit else set()
    )
    editable_wages = (
        set(queries.editable_standards(user, MinimumWage).values_list("pk", flat=True))
        if may_edit
        else set()
    )
    context = {
        "standards": queries.applicable_standards(user).order_by("region_code", "-effective_on")[
            :500
        ],
        "wages": queries.applicable_standards(user, MinimumWage).order_by(
            "region_code", "-effective_on"
        )[:500],
        "editable": editable,
        "editable_wages": editable_wages,
        "may_edit": may_edit,
        "runs": scope(BulkRun.objects.filter(kind=BulkRun.Kind.REASSESS), user)[:5],
    }
    return render(request, "hardship/standards.html", context)


def _standard_form_view(request, kind: str, instance=None):
    model, label = STANDARD_KINDS[kind]
    initial = {}
    if instance is not None:
        initial = {
            "region_code": instance.region_code,
            "effective_on": instance.effective_on,
            "monthly": forms.to_yuan(instance.monthly_fen),
            "note": instance.note,
        }
    elif request.user.org is not None:
        initial = {
            "region_code": request.user.org.region_code,
            "effective_on": timezone.localdate(),
        }
    form = forms.StandardForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            row = standards_services.save_regional_amount(
                model,
                by=request.user,
                region_code=data["region_code"],
                effective_on=data["effective_on"],
                monthly_fen=forms.to_fen(data["monthly"]),
                note=data["note"],
                instance=instance,
            )
        except RuleViolation as error:
            _apply_error(form, error)
        else:
            messages.success(request, _("Saved."))
            if model is DibaoStandard:
                return redirect("hardship:reassess", standard_id=row.pk)
            return redirect("hardship:standards")
    return render(
        request, "hardship/standard_form.html", {"form": form, "label": label, "instance": instance}
    )


@requires(Perm.VIEW_BUSINESS)
def standard_new_view(request):
    services.authorize_roles(request.user, rules.STANDARD_ROLES, "standard", request.path)
    kind = request.GET.get("kind", "dibao")
    return _standard_form_view(request, kind if kind in STANDARD_KINDS else "dibao")


@requires(Perm.VIEW_BUSINESS)
def standard_edit_view(request, standard_id: int):
    standard = queries.get_standard_for(request.user, standard_id)
    services.authorize_roles(request.user, rules.STANDARD_ROLES, "standard", request.path)
    return _standard_form_view(request, "dibao", standard)


@requires(Perm.VIEW_BUSINESS)
def wage_edit_view(request, wage_id: int):
    wage = queries.get_standard_for(request.user, wage_id, MinimumWage)
    services.authorize_roles(request.user, rules.STANDARD_ROLES, "standard", request.path)
    return _standard_form_view(request, "wage", wage)


@requires(Perm.VIEW_BUSINESS)
def reassess_view(request, standard_id: int):
    """After a 低保 change: show how many filed families a re-assessment touches, then run it."""
    standard = queries.get_standard_for(request.user, standard_id)
    services.authorize_roles(request.user, rules.BULK_ROLES, "reassess", request.path)
    as_of = services.reassessment_as_of(standard)
    if request.method == "POST":
        try:
            run = services.start_reassessment(standard, by=request.user, as_of=as_of)
        except RuleViolation as error:
            messages.error(request, error.message)
        else:
            _run_or_queue(run, tasks.run_reassessment_task)
            messages.success(
                request,
                _("Re-assessment of %(count)d filed families started.") % {"count": run.total},
            )
            return redirect("hardship:standards")
    context = {
        "standard": standard,
        "count": services.count_reassessment(standard, as_of),
        "as_of": as_of,
    }
    return render(request, "hardship/reassess.html", context)


# ---- Policies -----------------------------------------------------------------------------

POLICY_FIELDS = [name for name, *_bounds in services.POLICY_BOUNDS]


@requires(Perm.VIEW_BUSINESS)
def policies_view(request):
    """The hardship policies that apply to the user's regions, with the built-in defaults."""
    user = request.user
    may_edit = _may_set_standards(user)
    editable = (
        set(queries.editable_standards(user, HardshipPolicy).values_list("pk", flat=True))
        if may_edit
        else set()
    )
    policies = queries.applicable_standards(user, HardshipPolicy) | HardshipPolicy.objects.filter(
        region_code=queries.PROVINCE_REGION
    )
    context = {
        "policies": policies.order_by("region_code", "-effective_on")[:200],
        "defaults": rules.DEFAULT_POLICY,
        "editable": editable,
        "may_edit": may_edit,
    }
    return render(request, "hardship/policies.html", context)


def _policy_form_view(request, instance=None):
    if instance is None and request.user.org is not None:
        current = queries.policy_for(request.user.org.region_code)
        initial = {name: getattr(current, name) for name in POLICY_FIELDS}
        initial.update(region_code=request.user.org.region_code, effective_on=timezone.localdate())
    else:
        initial = None
    form = forms.PolicyForm(
        request.POST if request.method == "POST" else None, instance=instance, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.save_policy(
                by=request.user,
                region_code=data["region_code"],
                effective_on=data["effective_on"],
                values={name: data.get(name) for name in POLICY_FIELDS},
                note=data.get("note", ""),
                instance=HardshipPolicy.objects.get(pk=instance.pk) if instance else None,
            )
        except RuleViolation as error:
            _apply_error(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("hardship:policies")
    return render(request, "hardship/policy_form.html", {"form": form, "instance": instance})


@requires(Perm.VIEW_BUSINESS)
def policy_new_view(request):
    services.authorize_roles(request.user, rules.STANDARD_ROLES, "policy", request.path)
    return _policy_form_view(request)


@requires(Perm.VIEW_BUSINESS)
def policy_edit_view(request, policy_id: int):
    policy = queries.get_standard_for(request.user, policy_id, HardshipPolicy)
    services.authorize_roles(request.user, rules.STANDARD_ROLES, "policy", request.path)
    return _policy_form_view(request, policy)


# ---- The worker's own copy --------------------------------------------------------------------


@requires(Perm.VIEW_BUSINESS)
def worker_copy_view(request, file_id: int):
    """The family's own copy of its file (本人查阅件), printed when the worker asks to read it
    (DOMAIN.md: a worker may read their own file). It shows what the file says about the
    family and how it was decided, by step and union, without staff names or the words of
    anyone who objected; printing it is audited."""
    hardship_file = queries.get_file_for(request.user, file_id)
    household = hardship_file.household
    services.record_copy_printed(hardship_file, by=request.user)
    objections = hardship_file.objections.all()
    context = {
        "file": hardship_file,
        "worker": household.worker,
        "members": household.members.order_by("pk"),
        "events": queries.file_history(hardship_file),
        "objection_count": objections.count(),
        "upheld_count": objections.filter(status=Objection.Status.UPHELD).count(),
        "today": timezone.localdate(),
        "org": hardship_file.org,
    }
    return render(request, "hardship/worker_copy.html", context)
