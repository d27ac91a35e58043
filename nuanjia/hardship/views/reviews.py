"""The annual review due list and its set-based run."""

from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from nuanjia.orgs.permissions import requires
from nuanjia.orgs.queries import scope
from nuanjia.orgs.rules import Perm

from .. import forms, queries, rules, services, tasks
from ..models import BulkRun
from .common import INLINE_BULK_LIMIT, _query_string


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
    page = queries.REVIEW_LIST.page(due.select_related("org", "household__worker"), request.GET)
    total = page.count.value if page.count.is_exact else due.count()  # the spot checks' base
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
