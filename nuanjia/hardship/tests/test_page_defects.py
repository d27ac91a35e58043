"""Smaller defects seen on the hardship pages (issue 12 item 25): the category of a file not
yet decided, an application without a reason, the recomputed figure on the review form, and
approval offered during the publicity."""

import datetime
import re

import pytest

from nuanjia.core.errors import RuleViolation
from nuanjia.hardship import services
from nuanjia.hardship.rules import Status

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def test_a_file_not_yet_decided_shows_not_yet_determined_not_no_category(
    login, caseworker, new_file, walk
):
    client = login(caseworker)
    for page in (
        _text(client.get("/hardship/")),
        _text(client.get(f"/hardship/files/{new_file.pk}/")),
    ):
        assert "不属于困难职工" not in page and "No hardship category" not in page
        assert "Not yet determined" in page or "待认定" in page
    api = client.get(f"/api/v1/hardship/files/{new_file.pk}").json()
    assert api["category_label"] in ("Not yet determined", "待认定")
    filed = walk(new_file, Status.FILED)
    client = login(caseworker)  # a new session: the old one went idle while the clock moved
    shown = _text(client.get(f"/hardship/files/{filed.pk}/"))
    assert filed.get_category_display() in shown and "待认定" not in shown


def test_an_application_without_a_reason_is_refused_naming_the_field(login, caseworker, household):
    with pytest.raises(RuleViolation) as refused:
        services.open_file(household, by=caseworker, note="  ")
    assert refused.value.field == "note" and "申请" in refused.value.message
    client = login(caseworker)
    page = client.post("/hardship/new/", {"household": household.pk, "note": ""})
    assert page.status_code == 200 and "这个字段是必填项" in _text(page)
    assert "Application" in _text(page) or "申请" in _text(page)
    api = client.post(
        "/api/v1/hardship/files", {"household_id": household.pk}, content_type="application/json"
    )
    assert api.status_code == 400 and api.json()["field"] == "note"
    assert not household.hardship_files.exists()


def test_the_review_form_shows_the_recomputed_figure(login, reviewer2, new_file, walk):
    under_review = walk(new_file, Status.UNDER_REVIEW)
    page = _text(login(reviewer2).get(f"/hardship/files/{under_review.pk}/complete-review/"))
    shown = re.search(r'data-testid="recomputed">(.*?)</p>', page).group(1)
    assert "500.00" in shown and "800.00" in shown  # per-capita income and the dibao standard
    under_review.refresh_from_db()
    assert under_review.status == Status.UNDER_REVIEW  # the preview changed nothing


def test_approval_is_not_offered_during_publicity_and_the_end_date_is_shown(
    login, approver, new_file, walk, frozen_clock
):
    published = walk(new_file, Status.IN_PUBLICITY)
    ends = published.publicity_ends_on.isoformat()
    client = login(approver)
    detail = _text(client.get(f"/hardship/files/{published.pk}/"))
    assert 'data-testid="step-approve"' not in detail
    assert 'data-testid="approval-opens"' in detail and ends in detail
    step = _text(client.get(f"/hardship/files/{published.pk}/approve/"))
    assert ends in step and 'type="submit" class="primary"' not in step
    frozen_clock.shift(datetime.timedelta(days=8))
    client = login(approver)
    assert 'data-testid="step-approve"' in _text(client.get(f"/hardship/files/{published.pk}/"))
