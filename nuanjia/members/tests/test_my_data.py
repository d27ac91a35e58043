"""My data (PIPL): what is held, the download after a fresh code, requests in the caseworker
queue with their deadlines, closing an account; the family's hardship file on the phone."""

import datetime
import io

import pytest
import time_machine
from django.utils import timezone
from openpyxl import load_workbook

from nuanjia.core.workdays import add_working_days
from nuanjia.members import services
from nuanjia.members.models import DataRequest, Member, MemberDevice
from nuanjia.members.services import mydata
from nuanjia.members.workflow import DATA_FLOW, DataStep
from nuanjia.people.tests.support import id_number, register

from .conftest import last_code, member_client

PHONE = "13812340000"


@pytest.fixture
def bound(caseworker):
    worker = register(caseworker, name="周敏", phone=PHONE, id_number=id_number(sequence=801),
                      address="惠济区江山路 1 号")  # fmt: skip
    client, member = member_client(PHONE)
    assert member.worker == worker
    return client, member


@pytest.mark.django_db
def test_the_download_asks_for_a_fresh_code_after_thirty_minutes(bound):
    client, _member = bound
    start = datetime.datetime.now(datetime.UTC)
    with time_machine.travel(start + datetime.timedelta(minutes=31), tick=False):
        response = client.get("/m/data/my-data.xlsx")
        assert response.status_code == 302 and response["Location"].startswith("/m/recheck/")
        client.post("/m/recheck/", {"send": "1", "next": "/m/data/my-data.xlsx"})
        checked = client.post(
            "/m/recheck/", {"code": last_code(PHONE), "next": "/m/data/my-data.xlsx"}
        )
        assert checked["Location"] == "/m/data/my-data.xlsx"
        download = client.get("/m/data/my-data.xlsx")
    assert download.status_code == 200
    cells = [
        c
        for row in load_workbook(io.BytesIO(download.content)).active.iter_rows(values_only=True)
        for c in row
    ]
    assert "周敏" in cells and "惠济区江山路 1 号" in cells


@pytest.mark.django_db
def test_requests_land_in_the_queue_of_the_union_keeping_the_record_with_their_deadline(
    bound, caseworker
):
    client, member = bound
    client.post("/m/data/", {"kind": "correction", "text": "地址应为江山路 2 号"})
    request = DataRequest.objects.get()
    assert request.org == caseworker.org
    assert request.due_on == add_working_days(timezone.localtime(request.created_at).date(), 15)
    other = mydata.ask_about_data(member, kind="withdraw", text="")
    assert other.due_on == timezone.localtime(other.created_at).date() + datetime.timedelta(days=30)
    assert DATA_FLOW.steps_for(request, caseworker) == ["done", "refuse"]


@pytest.mark.django_db
def test_a_correction_needs_its_details(bound):
    client, _member = bound
    response = client.post("/m/data/", {"kind": "correction", "text": ""})
    assert "请说明" in response.content.decode() or response.status_code == 200
    assert not DataRequest.objects.exists()


@pytest.mark.django_db
def test_closing_an_account_ends_every_device_and_keeps_the_union_record(
    bound, caseworker, django_capture_on_commit_callbacks
):
    client, member = bound
    worker_id = member.worker_id
    request = mydata.ask_about_data(member, kind="close")
    with django_capture_on_commit_callbacks(execute=True):
        DATA_FLOW.take_step(request, DataStep.DONE, by=caseworker, note="已注销")
    member.refresh_from_db()
    assert member.closed_at is not None and member.worker is None
    assert not MemberDevice.objects.filter(member=member, ended_at=None).exists()
    assert client.get("/m/").status_code == 302
    from nuanjia.people.models import Worker

    assert Worker.objects.filter(pk=worker_id).exists()  # restricted, not erased
    # Signing in again (a minute later) opens the account anew, with a fresh consent, bound
    # again by phone.
    later = datetime.datetime.now(datetime.UTC) + datetime.timedelta(seconds=61)
    with time_machine.travel(later, tick=False):
        services.send_code(PHONE, "sign_in", ip="10.9.9.9", text="code %(code)s %(minutes)d")
        again, _raw = services.sign_in(PHONE, last_code(PHONE), consent_version="2026-12")
    assert again.pk == member.pk and again.closed_at is None and again.worker_id == worker_id


@pytest.mark.django_db
def test_the_family_reads_its_hardship_file_on_the_phone_after_a_fresh_code(bound):
    client, member = bound
    response = client.get("/m/hardship/")
    assert response.status_code == 200  # signed in just now: the code is fresh
    assert "没有" in response.content.decode() or "no hardship file" in response.content.decode()
    Member.objects.filter(pk=member.pk)
