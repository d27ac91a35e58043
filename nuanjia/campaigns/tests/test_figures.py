"""Figures per activity and union, each drilling down to rows that add up to it."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import verified_login
from nuanjia.campaigns import figures
from nuanjia.campaigns.models import Booking, Quota, Visit
from nuanjia.campaigns.rules import BookingStatus, VisitStatus
from nuanjia.orgs.models import Org

from .conftest import make_worker

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 1, 10)


def _visit(activity, code):
    worker = make_worker(code)
    return Visit.objects.create(activity=activity, org=worker.org, worker=worker, visited_on=DAY)


@pytest.fixture
def recorded(visit_activity):
    """郑州: 3 visits in 惠济区, 2 in 中原区 (one cancelled); 开封: 1."""
    visits = [_visit(visit_activity, "410108") for _ in range(3)]
    visits += [_visit(visit_activity, "410102") for _ in range(2)]
    visits[-1].status = VisitStatus.CANCELLED
    visits[-1].save()
    visits.append(_visit(visit_activity, "410204"))
    return visits


def test_per_union_figures_add_up_to_the_total_and_to_their_rows(recorded, visit_activity):
    zhengzhou = Org.objects.get(code="410100")
    found = figures.activity_figures(visit_activity, zhengzhou)
    per_union = {row.org.code: row.values.get("visits", 0) for row in found.per_union}
    assert per_union == {"410108": 3, "410102": 1}
    assert found.total["visits"] == 4 == found.total["people"]
    for row in found.per_union:
        assert (
            figures.measure_rows(visit_activity, "visits", row.org).count() == row.values["visits"]
        )


def test_the_figures_page_links_every_figure_to_its_rows(recorded, visit_activity, city_caseworker):
    client = Client()
    verified_login(client, city_caseworker)
    page = client.get(reverse("campaigns:activity_figures", args=[visit_activity.pk]))
    assert page.status_code == 200
    totals = dict((key, value) for key, value, _unit in page.context["totals"])
    assert totals["visits"] == 4
    rows = client.get(
        reverse("campaigns:figure_rows", args=[visit_activity.pk]),
        {"measure": "visits", "at": "410100"},
    )
    assert rows.status_code == 200 and rows.context["page"].paginator.count == 4
    export = client.get(
        reverse("campaigns:figure_rows", args=[visit_activity.pk]),
        {"measure": "visits", "at": "410100", "export": 1},
    )
    assert export.status_code == 200
    out_of_reach = client.get(
        reverse("campaigns:figure_rows", args=[visit_activity.pk]),
        {"measure": "visits", "at": "410200"},
    )
    assert out_of_reach.status_code == 404  # another city's rows are not 郑州's to see


def test_places_attended_count_once_per_booking(places_activity, campaign):
    quota = Quota.objects.create(activity=places_activity, org=campaign.lead_org, total=3, used=2)
    for status in (BookingStatus.DONE, BookingStatus.BOOKED):
        Booking.objects.create(
            activity=places_activity,
            quota=quota,
            org=Org.objects.get(code="410108"),
            worker=make_worker("410108"),
            status=status,
            closed_at=timezone.now(),
        )
    found = figures.activity_figures(places_activity, campaign.lead_org)
    assert found.total["places_attended"] == 1 == found.total["people"]


def test_a_list_longer_than_a_sheet_takes_comes_out_as_csv(
    recorded, visit_activity, city_caseworker, monkeypatch
):
    """Above CSV_ABOVE_ROWS (a million; three here) the same rows stream out as CSV, audited,
    every cell formula-safe and nothing cut."""
    import csv
    import io

    from nuanjia.core import listexport
    from nuanjia.core.models import AuditEvent

    monkeypatch.setattr(listexport, "CSV_ABOVE_ROWS", 3)
    recorded[0].worker.name = "=HYPERLINK(1)"
    recorded[0].worker.save()
    client = Client()
    verified_login(client, city_caseworker)
    answer = client.get(
        reverse("campaigns:figure_rows", args=[visit_activity.pk]),
        {"measure": "visits", "at": "410100", "export": 1},
    )
    assert answer["Content-Type"].startswith("text/csv")
    text = b"".join(answer.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert len(rows) == 1 + 4  # the header and every visit of 郑州
    assert [row[0] for row in rows if "HYPERLINK" in row[0]] == ["'=HYPERLINK(1)"]
    exported = AuditEvent.objects.filter(action="list.exported").latest("id")
    assert exported.changes["rows"] == 4


def test_the_figures_through_the_api_add_up_to_their_rows(
    recorded, visit_activity, city_caseworker
):
    client = Client()
    verified_login(client, city_caseworker)
    base = f"/api/v1/campaigns/activities/{visit_activity.pk}/figures"
    found = client.get(base).json()
    assert found["at"] == "410100" and found["total"]["visits"] == 4
    per_union = {row["org"]: row["values"]["visits"] for row in found["per_union"]}
    assert per_union == {"410108": 3, "410102": 1}
    rows = client.get(f"{base}/rows", {"measure": "visits", "at": "410108"}).json()
    assert rows["count"] == 3 and all(row["worker_id"] for row in rows["items"])
    assert client.get(f"{base}/rows", {"measure": "visits", "at": "410200"}).status_code == 400
