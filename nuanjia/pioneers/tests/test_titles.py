"""The 工人先锋号 title's lifecycle: nominated by the team's grassroots union, reviewed and
publicised by a higher union by someone other than the nominator, awarded at that union's
level after the publicity or refused, passed at the annual review or revoked by the awarding
level; who sees what."""

import pytest
from django.core.exceptions import PermissionDenied

from nuanjia.core.errors import RuleViolation
from nuanjia.core.models import AuditEvent
from nuanjia.pioneers import queries, services
from nuanjia.pioneers.models import Title
from nuanjia.pioneers.rules import TitleStatus
from nuanjia.pioneers.workflow import TITLE_FLOW

from .conftest import award, publicise

pytestmark = pytest.mark.django_db


def test_a_nomination_reviewed_publicised_and_awarded_by_the_city(
    nominated, city_reviewer, city_approver
):
    title = publicise(nominated, city_reviewer)
    assert title.status == TitleStatus.PUBLICITY and title.reviewed_by == city_reviewer
    title = award(title, city_approver)
    assert title.status == TitleStatus.AWARDED
    assert (title.level, title.award_year, title.awarding_org.code) == ("city", 2026, "410100")
    actions = list(AuditEvent.objects.filter(action__startswith="pioneers.title.")
                   .values_list("action", flat=True).order_by("id"))  # fmt: skip
    assert actions == ["pioneers.title.nominate", "pioneers.title.review", "pioneers.title.award"]
    assert [e.action for e in title.events.all()] == ["nominate", "review", "award"]


def test_the_nominator_cannot_review_their_own_nomination(nominated, nominator, city_reviewer):
    with pytest.raises(RuleViolation):
        TITLE_FLOW.take_step(nominated, "review", by=nominator, publicity_starts_on="2026-04-20",
                             publicity_ends_on="2026-04-30")  # fmt: skip
    # Even after moving to the city union, the nominator is not the one who checks.
    nominator.org = city_reviewer.org
    nominator.save(update_fields=["org"])
    with pytest.raises(RuleViolation) as refused:
        publicise(nominated, nominator)
    assert refused.value.code == "maker_checker"
    nominated.refresh_from_db()
    assert nominated.status == TitleStatus.NOMINATED and nominated.reviewed_by is None


def test_only_the_teams_own_caseworker_nominates_and_once_at_a_time(
    team, nominated, county_reviewer, make_staff, other_union
):
    with pytest.raises(RuleViolation):
        services.nominate(team, by=county_reviewer)
    other = make_staff(other_union.code, "caseworker")
    with pytest.raises(RuleViolation):
        services.nominate(team, by=other)
    with pytest.raises(RuleViolation, match="正在进行中"):
        services.nominate(team, by=nominated.nominated_by)


def test_the_award_waits_for_the_publicity_and_matches_the_unions_level(
    nominated, city_reviewer, city_approver, clock
):
    title = TITLE_FLOW.take_step(nominated, "review", by=city_reviewer,
                                 publicity_starts_on="2026-05-08", publicity_ends_on="2026-05-14")  # fmt: skip
    with pytest.raises(RuleViolation, match="2026-05-14"):
        award(title, city_approver)
    clock.shift(7 * 24 * 3600)
    with pytest.raises(RuleViolation) as wrong_level:
        award(title, city_approver, level="provincial")
    assert wrong_level.value.field == "level"
    assert award(title, city_approver).status == TitleStatus.AWARDED


def test_a_refusal_needs_a_reason(nominated, county_reviewer):
    with pytest.raises(RuleViolation):
        TITLE_FLOW.take_step(nominated, "refuse", by=county_reviewer, reason="")
    title = TITLE_FLOW.take_step(nominated, "refuse", by=county_reviewer, reason="事迹材料不足")
    assert title.status == TitleStatus.REFUSED and title.refusal_reason == "事迹材料不足"


def test_annual_review_and_revocation_by_the_awarding_level(
    nominated, city_reviewer, city_approver, county_reviewer, clock
):
    title = award(publicise(nominated, city_reviewer), city_approver)
    with pytest.raises(RuleViolation, match="命名年度之后"):
        TITLE_FLOW.take_step(title, "pass_review", by=city_reviewer, review_year=2026)
    clock.move_to("2027-03-01 10:00:00+08:00")
    title = TITLE_FLOW.take_step(title, "pass_review", by=city_reviewer, review_year=2027)
    assert title.status == TitleStatus.AWARDED and title.last_review_year == 2027
    with pytest.raises(RuleViolation, match="命名工会"):
        TITLE_FLOW.take_step(title, "revoke", by=county_reviewer, reason="发生安全事故")
    title = TITLE_FLOW.take_step(title, "revoke", by=city_approver, reason="发生安全事故")
    assert title.status == TitleStatus.REVOKED and title.revocation_reason == "发生安全事故"
    assert title.revoked_at is not None


def test_the_teams_own_union_never_reviews_even_as_a_reviewer(nominated, make_staff, union):
    own_reviewer = make_staff(union.code, "reviewer")
    with pytest.raises(RuleViolation, match="上级工会"):
        publicise(nominated, own_reviewer)


def test_a_county_sees_its_subtrees_nominations_a_grassroots_union_only_its_own(
    nominated, county_reviewer, make_staff, other_union
):
    assert list(queries.visible_titles(county_reviewer)) == [nominated]
    other = make_staff(other_union.code, "caseworker")
    assert not queries.visible_titles(other).exists()
    kaifeng = make_staff("410200", "reviewer")
    assert not queries.visible_titles(kaifeng).exists()
    with pytest.raises(PermissionDenied):
        TITLE_FLOW.authorize(kaifeng, "review", nominated)


def test_the_database_refuses_a_reviewer_who_nominated(nominated):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Title.objects.filter(pk=nominated.pk).update(reviewed_by=nominated.nominated_by)
