"""One county can never read or change another county's rows, on any page or API operation."""

import datetime

import pytest
from django.test import Client
from django.urls import clear_url_caches, set_urlconf

from conftest import verified_login
from nuanjia.accounts.services import issue_api_token
from nuanjia.api import api
from nuanjia.benefits.tests.scoping import benefit_rows
from nuanjia.campaigns.tests.scoping import campaign_rows
from nuanjia.core.audit import record_event
from nuanjia.core.models import CalendarDay
from nuanjia.counselling.tests.scoping import counselling_rows
from nuanjia.enterprises.tests.scoping import enterprise_rows
from nuanjia.funds.tests.scoping import funds_rows
from nuanjia.gigjobs.tests.scoping import gigjobs_rows
from nuanjia.hardship.tests.scoping import hardship_rows
from nuanjia.hotline.tests.scoping import hotline_rows
from nuanjia.members.tests.scoping import member_rows
from nuanjia.modelworkers.tests.scoping import modelworker_rows
from nuanjia.mutualaid.tests.scoping import mutualaid_rows
from nuanjia.orgs.models import Org, RoleAssignment
from nuanjia.orgs.rules import ADMIN_ROLES, BUSINESS_PERMISSIONS, BUSINESS_ROLES
from nuanjia.orgs.services import create_grassroots_union, create_staff
from nuanjia.people.tests.import_support import import_rows
from nuanjia.people.tests.scoping import people_rows
from nuanjia.pioneers.tests.scoping import pioneers_rows
from nuanjia.produce.tests.scoping import produce_rows
from nuanjia.relief.tests.scoping import relief_rows
from nuanjia.reports.tests.scoping import report_rows
from nuanjia.skills.tests.scoping import skills_rows
from nuanjia.stations.tests.scoping import station_rows

from .scopewalk import PUBLIC_ROUTES, SKIPPED_PREFIXES, fill, iter_routes, walk

# Every list's Excel export (issue 12 #25): walked like its page, the sheet's cells searched.
LIST_EXPORTS = {
    "hardship/export.xlsx",
    "pioneers/titles/export.xlsx",
    "hardship/publicity/export.xlsx",
    "hardship/watch/export.xlsx",
    "relief/batches/export.xlsx",
    "relief/grants/export.xlsx",
    "funds/transactions/export.xlsx",
    "hotline/tickets/export/",
    "audit/export.xlsx",
    "staff/export.xlsx",
    "members/joins/export.xlsx",
    "produce/producers/export.xlsx",
    "mutualaid/claims/export.xlsx",
    "enterprises/firms/export.xlsx",
    "skills/certificates/export.xlsx",
    "gigjobs/corners/export.xlsx",
    "gigjobs/matches/export.xlsx",
    "modelworkers/export.xlsx",
    "reports/rows/export/",
    "reports/export/",
}
MARKER = "SCOPEMARKER-KF-7Q"
SEARCH = "SCOPEMARKER"


@pytest.fixture
def other_county(tree):
    """Rows of 开封市鼓楼区 (410204), each carrying the marker text."""
    gulou = Org.objects.get(code="410204")
    union = create_grassroots_union(
        parent=gulou, name=f"{MARKER} 汴京饭店工会", kind=Org.Kind.ENTERPRISE, by=None
    )
    staff = create_staff(
        org=gulou, username="kf_marker", full_name=MARKER, password="Other#County2026", by=None
    )
    token, _raw = issue_api_token(staff, name=MARKER, by=staff)
    event = record_event(union, "test.marker", by=staff, label=MARKER)
    return (
        hardship_rows(union, MARKER)
        | people_rows(union, MARKER)
        | import_rows(union, MARKER)
        | relief_rows(union, MARKER)
        | funds_rows(union, MARKER)
        | hotline_rows(union, MARKER)
        | station_rows(union, MARKER)
        | member_rows(union, MARKER)
        | campaign_rows(union, MARKER)
        | produce_rows(union, MARKER)
        | mutualaid_rows(union, MARKER)
        | benefit_rows(union, MARKER)
        | enterprise_rows(union, MARKER)
        | counselling_rows(union, MARKER)
        | skills_rows(union, MARKER)
        | gigjobs_rows(union, MARKER)
        | pioneers_rows(union, MARKER)
        | modelworker_rows(union, MARKER)
        | report_rows(union, MARKER)
        | {
            "org_id": union.pk,
            "user_id": staff.pk,
            "event_id": event.pk,
            "token_id": token.pk,
            # Province-wide, not a county's: only the province's system administrator opens it.
            "day_id": CalendarDay.objects.create(
                day=datetime.date(2031, 1, 1), is_workday=False, name=MARKER
            ).pk,
            "import_token": f"{staff.pk}-{'0' * 32}",
        }
    )


def _persona(username: str, roles) -> object:
    from nuanjia.orgs.models import Staff

    staff = create_staff(
        org=Org.objects.get(code="410108"),
        username=username,
        full_name=username,
        password="Persona#2026pw",
        by=None,
    )
    RoleAssignment.objects.bulk_create([RoleAssignment(staff=staff, role=role) for role in roles])
    return Staff.objects.get(pk=staff.pk)


@pytest.fixture
def huiji_personas(tree):
    """惠济区 accounts holding, between them, every role there is."""
    personas = [_persona("hj_all_business", sorted(BUSINESS_ROLES))]
    personas += [_persona(f"hj_{role}", [role]) for role in sorted(ADMIN_ROLES)]
    return personas


def _walk_as(user, params, **kwargs):
    client = Client()
    verified_login(client, user)
    return walk(client, params, [MARKER], SEARCH, api_schema=api.get_openapi_schema(), **kwargs)


@pytest.mark.django_db
def test_no_url_or_api_operation_lets_huiji_reach_kaifeng_rows(other_county, huiji_personas):
    findings = [
        f"{user.username}: {finding}"
        for user in huiji_personas
        for finding in _walk_as(user, other_county)
    ]
    assert findings == []


@pytest.mark.django_db
def test_the_walker_covers_pages_and_api_operations():
    routes = [route.pattern for route in iter_routes()]
    assert "orgs/<int:org_id>/" in routes
    assert any(route.startswith("api/v1/orgs/") for route in routes)


@pytest.mark.django_db
def test_the_walker_opens_every_list_export():
    walked = {
        route.pattern
        for route in iter_routes()
        if route.pattern not in PUBLIC_ROUTES
        and not route.pattern.startswith(tuple(SKIPPED_PREFIXES))
    }
    assert walked >= LIST_EXPORTS


@pytest.mark.django_db
def test_walker_catches_a_view_that_forgets_scoping(other_county, huiji_personas, settings):
    settings.ROOT_URLCONF = "tests.leaky_urls"
    clear_url_caches()
    set_urlconf(None)
    try:
        findings = _walk_as(huiji_personas[0], other_county)
    finally:
        clear_url_caches()
    leaked = {finding.route for finding in findings}
    assert leaked == {"leaky/<int:org_id>/", "leaky-list/"}


@pytest.mark.django_db
def test_walker_refuses_a_parameter_it_does_not_know(other_county, huiji_personas):
    params = {key: value for key, value in other_county.items() if key != "user_id"}
    findings = _walk_as(huiji_personas[0], params)
    assert findings and all("unknown path parameter" in finding.reason for finding in findings)


@pytest.mark.django_db
def test_admin_roles_are_refused_every_business_page(huiji_personas, tree):
    """三权分立: pages that need a business permission answer 403 to the three admin roles.

    The permission is checked before any object is fetched, so every path parameter is filled
    with an id of the admins' own county (or a placeholder where none applies).
    """
    huiji = Org.objects.get(code="410108")
    placeholders = {name: huiji.pk for route in iter_routes() for name in route.names}
    business_routes = [
        route
        for route in iter_routes()
        if getattr(route.callback, "required_permission", None) in BUSINESS_PERMISSIONS
    ]
    assert business_routes, "expected at least the grassroots pages"
    for user in huiji_personas[1:]:
        client = Client()
        verified_login(client, user)
        for route in business_routes:
            url = fill(route, placeholders)
            assert client.get(url).status_code == 403, (user.username, url)
