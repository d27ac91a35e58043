"""Enrolment sheets run in the background: the run record, progress chunk by chunk, all or
nothing checked before anything is written, resuming after the last committed chunk (nobody
enrolled twice), the error sheet, and the same through the API, scoped."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from conftest import verified_login
from nuanjia.core.models import AuditEvent
from nuanjia.funds.checks import first_discrepancy
from nuanjia.mutualaid import services
from nuanjia.mutualaid.import_runs import (
    resume_enrolment_import,
    run_enrolment_import,
    start_enrolment_import,
)
from nuanjia.mutualaid.models import Contribution, Enrolment, EnrolmentImport
from nuanjia.orgs.models import Org
from nuanjia.orgs.rules import Role

from .support import sheet_bytes
from .test_api_write import api_client
from .test_import import HEADERS, SHAPE, _id, _workers

Status = EnrolmentImport.Status


@pytest.fixture(autouse=True)
def immediate_tasks(settings, tmp_path):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.MEDIA_ROOT = str(tmp_path)


def _upload(rows, name="名单.xlsx"):
    return SimpleUploadedFile(name, sheet_bytes(rows, HEADERS).getvalue())


def _rows(count, bad=()):
    return [
        [_id(n), "错名" if n in bad else f"王{n}", "2026-01-01", "2026-01-15" if n % 2 else ""]
        for n in range(count)
    ]


def _start(plan, caseworker, rows, mode="all_or_nothing"):
    org = Org.objects.get(code="410108")
    return start_enrolment_import(plan, org, by=caseworker, upload=_upload(rows), mode=mode)


class Stop(Exception):
    pass


def _stop_after_first(run):
    raise Stop("the worker was stopped")


@pytest.mark.django_db
def test_a_stopped_run_resumes_after_its_last_chunk_and_enrols_everyone_once(plan, caseworker):
    workers = _workers(5)
    run = _start(plan, caseworker, _rows(5))
    run = run_enrolment_import(run, chunk_rows=2, after_chunk=_stop_after_first)
    assert (run.status, run.chunks, run.processed, run.to_write, run.created) == (
        Status.FAILED, 1, 2, 5, 2,
    )  # fmt: skip
    assert "stopped" in run.failure and Enrolment.objects.count() == 2
    assert run.stored_file.endswith(".sealed")  # kept for the resume only encrypted
    assert services.pool_account(plan).available_fen == 6_000  # row 2 paid, in chunk 1
    resume_enrolment_import(run, by=caseworker)
    run = run_enrolment_import(run, chunk_rows=2)
    assert (run.status, run.chunks, run.processed, run.created, run.percent) == (
        Status.DONE, 3, 5, 5, 100,
    )  # fmt: skip
    enrolled = sorted(Enrolment.objects.values_list("worker_id", flat=True))
    assert enrolled == sorted(w.pk for w in workers)
    assert Contribution.objects.count() == 2
    assert services.pool_account(plan).available_fen == 12_000 == run.paid_fen
    assert first_discrepancy() is None
    assert not run.stored_file
    actions = list(
        AuditEvent.objects.filter(action__startswith="mutualaid.enrol").values_list(
            "action", flat=True
        )
    )
    assert sorted(actions) == [
        "mutualaid.enrolment_import_resumed", "mutualaid.enrolment_import_started",
        "mutualaid.enrolments_imported",
    ]  # fmt: skip


@pytest.mark.django_db
def test_a_killed_run_state_is_resumed_without_writing_a_chunk_twice(plan, caseworker):
    """The worker died after chunk 1 without a word: the run stays WRITING; once stalled it
    may be resumed, and goes on after the committed chunk."""
    _workers(4)
    run = _start(plan, caseworker, _rows(4))
    run_enrolment_import(run, chunk_rows=3, after_chunk=_stop_after_first)
    EnrolmentImport.objects.filter(pk=run.pk).update(
        status=Status.WRITING, updated_at=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    )
    run.refresh_from_db()
    run = resume_enrolment_import(run, by=caseworker)
    run = run_enrolment_import(run, chunk_rows=3)
    assert (run.status, run.created, Enrolment.objects.count()) == (Status.DONE, 4, 4)


@pytest.mark.django_db
def test_all_or_nothing_with_a_bad_row_writes_no_chunk(plan, caseworker, client):
    _workers(5)
    run = _start(plan, caseworker, _rows(5, bad={4}))
    run = run_enrolment_import(run, chunk_rows=1)
    assert (run.status, run.errors, run.chunks) == (Status.REFUSED, 1, 0)
    assert not Enrolment.objects.exists() and not Contribution.objects.exists()
    assert run.shown_errors[0][:2] == [6, "B"]
    verified_login(client, caseworker)
    sheet = client.get(f"/mutualaid/imports/{run.pk}/errors.xlsx")
    assert sheet.status_code == 200 and sheet["Content-Type"].startswith("application/vnd")
    page = client.get(f"/mutualaid/imports/{run.pk}/")
    assert page.status_code == 200 and "errors.xlsx" in page.content.decode()


@pytest.mark.django_db
def test_valid_rows_mode_writes_the_good_rows_in_chunks(plan, caseworker):
    _workers(5)
    run = _start(plan, caseworker, _rows(5, bad={1}), mode="valid_rows")
    run = run_enrolment_import(run, chunk_rows=2)
    assert (run.status, run.errors, run.created, run.chunks) == (Status.DONE, 1, 4, 2)
    assert run.error_sheet and Enrolment.objects.count() == 4


@pytest.mark.django_db
def test_the_page_queues_the_run_and_shows_its_progress(plan, caseworker, client, make_staff):
    _workers(3)
    verified_login(client, caseworker)
    url = f"/mutualaid/plans/{plan.pk}/import/"
    assert client.get(url).status_code == 200
    sent = client.post(url, {"file": _upload(_rows(3)), "mode": "all_or_nothing"})
    run = EnrolmentImport.objects.get()
    assert sent.status_code == 302 and sent["Location"] == f"/mutualaid/imports/{run.pk}/"
    assert (run.status, run.created, run.created_by_id) == (Status.DONE, 3, caseworker.pk)
    panel = client.get(f"/mutualaid/imports/{run.pk}/progress/")
    assert panel.status_code == 200 and 'data-testid="import-counts"' in panel.content.decode()
    assert "名单.xlsx" in client.get(url).content.decode()  # the recent runs
    other = Client()
    verified_login(other, make_staff("410100", Role.CASEWORKER))  # the city sees it
    assert other.get(f"/mutualaid/imports/{run.pk}/").status_code == 200
    assert other.get(f"/mutualaid/imports/{run.pk}/errors.xlsx").status_code == 404


@pytest.mark.django_db
def test_the_api_uploads_reads_and_resumes_a_run(plan, caseworker, make_staff):
    _workers(3)
    api = api_client(caseworker)
    url = f"/api/v1/mutualaid/plans/{plan.pk}/imports"
    made = api.post(url, {"file": _upload(_rows(3, bad={2})), "mode": "valid_rows"})
    assert made.status_code == 201, made.content
    body = made.json()
    assert (body["status"], body["created"], body["errors"]) == ("done", 2, 1)
    assert body["row_errors"][0]["row"] == 4 and body["errors_url"].endswith("/errors.xlsx")
    assert api.get(body["errors_url"]).status_code == 200
    status = api.get(f"/api/v1/mutualaid/imports/{body['id']}")
    assert status.status_code == 200 and status.json()["percent"] == 100
    again = api.post(f"/api/v1/mutualaid/imports/{body['id']}/resume")
    assert again.status_code == 400 and again.json()["code"] == "conflict"
    missing = api.post(url, {"mode": "valid_rows"})
    assert missing.status_code == 400 and missing.json()["field"] == "file"
    wrong = api.post(url, {"file": _upload(_rows(1)), "mode": "half"})
    assert wrong.status_code == 422 and wrong.json()["code"] == "invalid"
    stranger = api_client(make_staff("410204", Role.CASEWORKER))  # 开封: another county
    assert stranger.get(f"/api/v1/mutualaid/imports/{body['id']}").status_code == 404
    assert stranger.post(f"/api/v1/mutualaid/imports/{body['id']}/resume").status_code == 404


@pytest.mark.django_db
def test_the_api_resumes_a_failed_run(plan, caseworker):
    _workers(3)
    run = _start(plan, caseworker, _rows(3))
    run_enrolment_import(run, chunk_rows=1, after_chunk=_stop_after_first)
    resumed = api_client(caseworker).post(f"/api/v1/mutualaid/imports/{run.pk}/resume")
    assert resumed.status_code == 200, resumed.content
    assert (resumed.json()["status"], resumed.json()["created"]) == ("done", 3)
    assert Enrolment.objects.count() == 3


@pytest.mark.django_db
def test_the_chunked_run_writes_what_enrolling_one_by_one_writes(plan, caseworker):
    """The run's chunks (COPY / executemany, a posting per chunk) against services.enrol +
    services.pay: the same rows, the same money in the pool, one audit event for the file."""
    org = Org.objects.get(code="410108")
    workers = _workers(6)
    terms = [("2026-01-01", "2026-01-15"), ("2026-03-01", ""), ("2026-02-01", "2026-02-01")]
    for worker, (start, paid) in zip(workers[3:], terms, strict=True):
        enrolment = services.enrol(
            plan, worker, org=org, starts_on=datetime.date.fromisoformat(start), by=caseworker
        )
        if paid:
            services.pay(enrolment, enrolment.contribution_fen,
                         paid_on=datetime.date.fromisoformat(paid), by=caseworker)  # fmt: skip
    one_by_one_pool = services.pool_account(plan).available_fen
    rows = [[_id(n), f"王{n}", start, paid] for n, (start, paid) in enumerate(terms)]
    run = run_enrolment_import(_start(plan, caseworker, rows), chunk_rows=2)
    assert (run.status, run.created, run.chunks) == (Status.DONE, 3, 2)

    def shapes(worker_ids):
        enrolments = Enrolment.objects.filter(worker_id__in=worker_ids).order_by("worker_id")
        contributions = Contribution.objects.filter(enrolment__worker_id__in=worker_ids)
        return (
            list(enrolments.values_list(*SHAPE)),
            list(contributions.order_by("enrolment__worker_id").values_list(
                "payer", "amount_fen", "paid_on", "created_by_id")),
        )  # fmt: skip

    assert shapes([w.pk for w in workers[:3]]) == shapes([w.pk for w in workers[3:]])
    assert services.pool_account(plan).available_fen == 2 * one_by_one_pool == 2 * run.paid_fen
    assert first_discrepancy() is None
    ids = sorted(
        Enrolment.objects.filter(worker_id__in=[w.pk for w in workers[:3]]).values_list(
            "pk", flat=True
        )
    )
    event = AuditEvent.objects.get(action="mutualaid.enrolments_imported")
    assert (event.changes["created"], event.changes["first_id"], event.changes["last_id"]) == (
        3, ids[0], ids[-1],
    )  # fmt: skip
    assert event.changes["paid_fen"] == one_by_one_pool and event.changes["run"] == run.pk
