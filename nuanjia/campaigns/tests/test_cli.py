"""`nuanjia campaigns enrol` runs the page's enrolment here, printing progress, and goes on
with a stopped run (`--resume`) to exactly the previewed rows."""

import pytest

from nuanjia.campaigns import services
from nuanjia.campaigns.models import Enrolment, EnrolmentRun
from nuanjia.cli import main
from nuanjia.orgs.models import Org

from .conftest import make_worker

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_django_setup(monkeypatch):
    """The test process already has Django set up (the command would do it first)."""
    monkeypatch.setattr("nuanjia.cli.setup_django", lambda: None)


def test_the_command_enrols_and_prints_progress(visit_activity, province_planner, capsys):
    for _ in range(5):
        make_worker("410108")
    code = main(
        ["campaigns", "enrol", "--activity", str(visit_activity.pk), "--org", "410100",
         "--as", province_planner.username]
    )  # fmt: skip
    out = capsys.readouterr().out
    assert code == 0 and "100%" in out and "done: 5 added" in out
    assert Enrolment.objects.filter(activity=visit_activity).count() == 5


def test_a_stopped_run_is_resumed_to_exactly_the_preview(visit_activity, province_planner, capsys):
    for _ in range(7):
        make_worker("410108")
    org = Org.objects.get(code="410100")
    run = services.start_run(visit_activity, org, by=province_planner, expected=7)
    run = services.continue_run(run, by=province_planner, chunk=1, stop_after=1)
    code = main(
        ["campaigns", "enrol", "--activity", str(visit_activity.pk), "--resume", str(run.pk),
         "--as", province_planner.username]
    )  # fmt: skip
    assert code == 0
    run.refresh_from_db()
    assert run.status == EnrolmentRun.Status.DONE and run.added == 7
    assert Enrolment.objects.filter(activity=visit_activity).count() == 7


def test_an_unknown_account_is_refused(visit_activity, capsys):
    code = main(["campaigns", "enrol", "--activity", str(visit_activity.pk), "--as", "nobody"])
    assert code == 2
