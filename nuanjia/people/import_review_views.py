"""The queue of imported rows kept for review (an ID number registered under another name):
the rows with the record they name, and accept / refuse, each through its service."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from nuanjia.core.errors import RuleViolation
from nuanjia.orgs.permissions import requires
from nuanjia.orgs.rules import Perm

from . import rules
from .queries import import_reviews_to_decide
from .services import accept_import_review, authorize, may, refuse_import_review

PAGE_SIZE = 50
_SHOWN_VALUES = ("address", "member_card_number", "bank_name", "employer_name", "region_code")


def _row_summary(review) -> list[str]:
    """The row's other cells as the page shows them: the phone masked, the bank number masked."""
    values = review.values
    shown = [values["phone_masked"]] if values.get("phone_masked") else []  # kept sealed
    shown += [str(values[key]) for key in _SHOWN_VALUES if values.get(key)]
    shown += values.get("occupations", [])
    if review.bank_account_masked:
        shown.append(review.bank_account_masked)
    return shown


@requires(Perm.VIEW_BUSINESS)
@require_GET
def reviews_view(request):
    page = Paginator(import_reviews_to_decide(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = [(review, _row_summary(review)) for review in page]
    can_decide = may(request.user, rules.REGISTER_ROLES)
    return render(
        request,
        "people/import_reviews.html",
        {"page": page, "rows": rows, "can_decide": can_decide},
    )


@requires(Perm.VIEW_BUSINESS)
@require_POST
def review_decide_view(request, review_id: int, decision: str):
    review = get_object_or_404(import_reviews_to_decide(request.user), pk=review_id)
    authorize(request.user, rules.REGISTER_ROLES, "import_review", request.path, review.worker.org)
    action = {"accept": accept_import_review, "refuse": refuse_import_review}[decision]
    try:
        action(review, by=request.user)
    except RuleViolation as error:
        messages.error(request, error.message)
    else:
        done = {
            "accept": _("The record now has the name and values of the imported row."),
            "refuse": _("The row was refused; the record is unchanged."),
        }
        messages.success(request, done[decision])
    return redirect("people_import:reviews")
