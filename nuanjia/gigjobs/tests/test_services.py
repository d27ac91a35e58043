"""The rules: pay below the region's minimum wage refused naming the field (per day against
the hourly floor × 8), jobs found near a point by distance, the match's consent and
outcomes, a dispute opening a 12351 ticket linked to the match, and the acceptance: a gig
job matched and completed shows in the corner's figures."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied

from nuanjia.core.errors import RuleViolation
from nuanjia.core.models import AuditEvent
from nuanjia.gigjobs import queries, services
from nuanjia.gigjobs.measures import completed_facts, corner_figures, days_facts, match_facts
from nuanjia.gigjobs.models import Dispute, Match
from nuanjia.gigjobs.rules import floor_for_unit, hourly_floor_fen
from nuanjia.hotline.models import Ticket
from nuanjia.hotline.rules import Kind

from .conftest import post_values

pytestmark = pytest.mark.django_db


def test_the_hourly_floor_is_the_monthly_wage_over_174_hours_and_a_day_is_8_of_them():
    assert hourly_floor_fen(210_000) == 1207  # 2100 / 174 = 12.069 → 12.07 元
    assert floor_for_unit(210_000, "day") == 1207 * 8
    assert floor_for_unit(210_000, "hour") == 1207


def test_a_day_pay_below_the_minimum_is_refused_naming_the_field(corner, staff):
    with pytest.raises(RuleViolation) as refused:
        services.create_post(corner, by=staff, **post_values(pay_fen=9655))
    assert refused.value.field == "pay_fen"
    assert "96.55" in refused.value.message and "96.56" in refused.value.message
    assert services.create_post(corner, by=staff, **post_values(pay_fen=9656)).pay_fen == 9656


def test_an_hourly_pay_below_the_minimum_is_refused(corner, staff):
    with pytest.raises(RuleViolation) as refused:
        services.create_post(corner, by=staff, **post_values(pay_unit="hour", pay_fen=1206))
    assert refused.value.field == "pay_fen" and "12.07" in refused.value.message


def test_the_wage_in_force_on_the_first_day_counts(corner, staff, wage):
    from nuanjia.standards.models import MinimumWage

    MinimumWage.objects.create(region_code="410100", effective_on=datetime.date(2026, 7, 1),
                               monthly_fen=240_000)  # fmt: skip
    services.create_post(corner, by=staff, **post_values(pay_fen=10_000))  # May: 96.56 a day
    with pytest.raises(RuleViolation):  # July: 240000/174 → 13.80 × 8 = 110.40 a day
        services.create_post(corner, by=staff, **post_values(
            pay_fen=10_000, starts_on="2026-07-02", ends_on="2026-07-03"))  # fmt: skip


def test_a_region_without_a_minimum_wage_is_refused(corner, staff):
    with pytest.raises(RuleViolation) as refused:
        services.create_post(corner, by=staff, **post_values(region_code="650100"))
    assert refused.value.code == "no_minimum_wage"


def test_jobs_near_a_point_are_found_by_distance(corner, staff):
    near = services.create_post(corner, by=staff, **post_values(lat=34.7500, lng=113.6300))
    far = services.create_post(
        corner, by=staff, **post_values(work="远处", lat=34.8500, lng=113.7500)
    )
    services.create_post(corner, by=staff, **post_values(work="洛阳", lat=34.62, lng=112.45))
    found = queries.near_posts(34.7466, 113.6254, on=datetime.date(2026, 5, 10))
    assert [post.pk for _d, post in found] == [near.pk, far.pk]
    assert found[0][0] < 1000 < found[1][0] < 20_000


def test_a_staff_proposal_waits_for_consent_and_the_contact_opens_after(post, gig, staff):
    from nuanjia.members.models import Partner

    partner = Partner.objects.create(org=post.org, name="郑州建工三公司", kind="employer")
    post.partner = partner
    post.save()
    match = services.propose_match(post, gig, by=staff)
    assert match.status == "proposed" and not match.contact_visible
    assert services.contact_for_employer(match, partner=partner) == ""
    assert services.contact_masked(match) == ""
    match = services.record_consent(match, by=staff)
    assert match.status == "consented" and match.consent_recorded_by == staff
    assert services.contact_for_employer(match, partner=partner) == "13912345678"
    assert services.contact_masked(match) == "139****5678"
    assert AuditEvent.objects.filter(action="gigjobs.contact_read").count() == 1


def test_the_post_takes_no_more_workers_than_wanted(post, staff, corner):
    for n in range(3):
        other = services.register_worker(corner, by=staff, name=f"工{n}", phone=f"1390000000{n}",
                                         available_from="2026-05-10", available_until="2026-05-31")  # fmt: skip
        services.propose_match(post, other, by=staff)
    late = services.register_worker(corner, by=staff, name="迟到", phone="13900000009",
                                    available_from="2026-05-10", available_until="2026-05-31")  # fmt: skip
    with pytest.raises(RuleViolation, match=r"all the workers|人数已满"):
        services.propose_match(post, late, by=staff)


def test_outcomes_move_through_the_flow(post, gig, staff):
    match = services.propose_match(post, gig, by=staff)
    with pytest.raises(RuleViolation):
        services.start_match(match, by=staff)  # not consented yet
    services.record_consent(match, by=staff)
    services.start_match(match, by=staff)
    with pytest.raises(RuleViolation) as refused:
        services.complete_match(match, by=staff, days_worked=6)  # the post lasts 5 days
    assert refused.value.field == "days_worked"
    match = services.complete_match(match, by=staff, days_worked=4)
    assert (match.status, match.days_worked) == ("completed", 4)
    actions = list(match.events.values_list("action", flat=True))
    assert actions == ["propose", "consent", "start", "complete"]


def test_someone_of_another_county_cannot_propose(post, gig, make_staff):
    outsider = make_staff("410204", "caseworker")
    with pytest.raises((RuleViolation, PermissionDenied)):
        services.propose_match(post, gig, by=outsider)


def test_a_dispute_opens_a_12351_ticket_linked_back_to_the_match(post, gig, staff):
    match = services.propose_match(post, gig, by=staff)
    services.record_consent(match, by=staff)
    services.start_match(match, by=staff)
    dispute = services.open_dispute(match, by=staff, kind="unpaid",
                                    description="完工三天仍未结算工钱。")  # fmt: skip
    ticket = Ticket.objects.get(pk=dispute.ticket_id)
    assert ticket.kind == Kind.COMPLAINT and ticket.worker_id is None
    assert str(match) in ticket.description and "完工三天" in ticket.description
    assert ticket.caller_phone == "13912345678" and ticket.employer_name == "郑州建工三公司"
    assert Dispute.objects.get(ticket=ticket).match == match
    assert AuditEvent.objects.filter(action="gigjobs.dispute_opened").exists()


def test_a_gig_job_matched_and_completed_shows_in_the_corners_figures(post, gig, staff, corner):
    match = services.propose_match(post, gig, by=staff)
    services.record_consent(match, by=staff)
    services.start_match(match, by=staff)
    services.complete_match(match, by=staff, days_worked=4)
    figures = {str(figure.label): figure.value for figure in corner_figures(corner)}
    assert list(figures.values()) == [1, 3, 1, 1, 4]  # posts, wanted, matches, completed, days
    day = datetime.date(2026, 5, 10)
    assert [row["value"] for row in completed_facts(day, day)] == [1]
    assert [row["value"] for row in days_facts(day, day)] == [4]
    assert [(row["d1"], row["d2"]) for row in match_facts(day, day)] == [
        (str(corner.pk), "completed")
    ]
    assert Match.objects.get().days_worked == 4
