"""Collectives and their honours, village bases with the money they brought, pairings with a
village or a hardship family and their visits: recorded by the union's staff, refused with
the field named, every change audited."""

import datetime

import pytest

from nuanjia.core.errors import RuleViolation
from nuanjia.core.models import AuditEvent
from nuanjia.modelworkers import services
from nuanjia.orgs.models import Org
from nuanjia.relief.tests.conftest import make_family, make_worker

pytestmark = pytest.mark.django_db


def huiji():
    return Org.objects.get(code="410108")


def test_a_collective_and_its_honours(caseworker):
    team = services.add_collective(huiji(), by=caseworker, name="惠济区环卫一班", kind="team")
    services.add_collective_honour(team, by=caseworker, kind="model_home", level="city",
                                   year_awarded=2024, issuer="郑州市总工会")  # fmt: skip
    with pytest.raises(RuleViolation) as twice:
        services.add_collective_honour(team, by=caseworker, kind="model_home", level="city",
                                       year_awarded=2024, issuer="郑州市总工会")  # fmt: skip
    assert twice.value.field == "kind"
    with pytest.raises(RuleViolation) as bad_year:
        services.add_collective_honour(team, by=caseworker, kind="advanced", level="city",
                                       year_awarded=2099, issuer="郑州市总工会")  # fmt: skip
    assert bad_year.value.field == "year_awarded"
    assert team.honours.count() == 1


def test_a_base_needs_an_honoured_worker_and_a_county(caseworker, model_worker):
    plain = make_worker("410108")
    with pytest.raises(RuleViolation) as refused:
        services.add_base(huiji(), by=caseworker, worker=plain, region_code="410122",
                          village="大王庄村", started_on="2025-03-01")  # fmt: skip
    assert refused.value.field == "worker"
    with pytest.raises(RuleViolation) as city:
        services.add_base(huiji(), by=caseworker, worker=model_worker, region_code="410100",
                          village="大王庄村", started_on="2025-03-01")  # fmt: skip
    assert city.value.field == "region_code"
    base = services.add_base(
        huiji(), by=caseworker, worker=model_worker, region_code="410122", village="大王庄村",
        started_on="2025-03-01", projects="大棚蔬菜", money_fen=2_000_000, technology="滴灌技术",
    )  # fmt: skip
    base = services.change_base(base, by=caseworker, money_fen=3_000_000)
    assert base.money_fen == 3_000_000
    changed = AuditEvent.objects.get(action="modelworkers.base_changed")
    assert changed.changes["before"]["money_fen"] == 2_000_000


def test_pairings_with_a_village_and_a_family(caseworker, model_worker):
    base = services.add_base(huiji(), by=caseworker, worker=model_worker, region_code="410122",
                             village="大王庄村", started_on="2025-03-01")  # fmt: skip
    village = services.add_pairing(huiji(), by=caseworker, worker=model_worker, base=base,
                                   starts_on="2025-03-01")  # fmt: skip
    family_file = make_family("410108")
    family = services.add_pairing(huiji(), by=caseworker, worker=model_worker,
                                  hardship_file=family_file, starts_on="2025-04-01")  # fmt: skip
    assert (village.target, family.target) == ("village", "family")
    with pytest.raises(RuleViolation):
        services.add_pairing(huiji(), by=caseworker, worker=model_worker, starts_on="2025-04-01")
    visit = services.add_visit(family, by=caseworker, visited_on="2025-05-01", note="送去米面油")
    assert visit.visited_on == datetime.date(2025, 5, 1)
    with pytest.raises(RuleViolation) as early:
        services.add_visit(family, by=caseworker, visited_on="2025-01-01")
    assert early.value.field == "visited_on"


def test_another_county_cannot_record_for_huiji(make_staff, model_worker):
    other = make_staff("410204", "caseworker", username="kf_mw")
    with pytest.raises(RuleViolation) as refused:
        services.add_collective(huiji(), by=other, name="X", kind="team")
    assert refused.value.code == "forbidden"
