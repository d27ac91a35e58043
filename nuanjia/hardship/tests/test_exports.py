"""The file list and the publicity list export to Excel: exactly the rows their filters select,
numbers masked, out-of-scope files never, and an audit event for each export."""

import pytest
from django.urls import reverse

from nuanjia.core.tests.exports import export_rows, last_export_event
from nuanjia.hardship import services
from nuanjia.hardship.rules import Status

from .conftest import build_household

pytestmark = pytest.mark.django_db


@pytest.fixture
def files(tree, standards, caseworker, outsider, walk):
    """王建国's file in publicity, 李秀英's and 张伟's applied, and 鼓楼区's 赵刚 (out of scope)."""

    def open_for(name, org_code="410108", **extra):
        household = build_household(org_code, name=name, **extra)
        return services.open_file(household, by=caseworker, note="收入微薄")

    wang = open_for("王建国", phone="13912345678", health="尿毒症")
    wang.household.worker.id_number_masked = "4101**********2314"
    wang.household.worker.save()
    return {
        "wang": walk(wang, Status.IN_PUBLICITY),
        "li": open_for("李秀英"),
        "zhang": open_for("张伟"),
        "gulou": services.open_file(
            build_household("410204", name="赵刚"), by=outsider, note="鼓楼区"
        ),
    }


def test_the_file_export_holds_every_filtered_row_masked(login, caseworker, files):
    client = login(caseworker)
    filters = {"status": Status.APPLIED}
    page = client.get(reverse("hardship:list"), filters).content.decode()
    assert f"{reverse('hardship:export')}?status=applied" in page
    rows = export_rows(client.get(reverse("hardship:export"), filters))
    assert {row[0] for row in rows[1:]} == {files["li"].number, files["zhang"].number}
    event = last_export_event()
    assert event.changes == {
        "list": "hardship.files",
        "filters": {"status": "applied"},
        "rows": 2,
        "is_cut": False,
    }


def test_a_searched_file_reads_back_with_its_numbers_masked(login, caseworker, files):
    rows = export_rows(login(caseworker).get(reverse("hardship:export"), {"q": "王建国"}))
    assert len(rows) == 2
    number, name, id_number, phone, union, status = rows[1][:6]
    assert (number, name) == (files["wang"].number, "王建国")
    assert (union, status) == (files["wang"].org.name, files["wang"].get_status_display())
    assert id_number == "4101**********2314" and phone == "139****5678"
    assert "13912345678" not in str(rows) and "尿毒症" not in str(rows)


def test_the_file_export_never_holds_another_countys_files(login, caseworker, files):
    rows = export_rows(login(caseworker).get(reverse("hardship:export")))
    assert len(rows) == 4 and "赵刚" not in str(rows)


def test_the_publicity_export_is_as_masked_as_the_printed_list(login, caseworker, files):
    client = login(caseworker)
    assert (
        reverse("hardship:publicity_export") in client.get("/hardship/publicity/").content.decode()
    )
    rows = export_rows(client.get(reverse("hardship:publicity_export")))
    assert len(rows) == 2
    name, unit, category, amount, ends_on = rows[1]
    assert name == "王**" and unit == files["wang"].org.name and amount == 800
    assert category == files["wang"].get_category_display()
    assert ends_on == files["wang"].publicity_ends_on.isoformat()
    assert "王建国" not in str(rows) and "2314" not in str(rows)
    assert last_export_event().changes["list"] == "hardship.publicity"


def test_the_file_api_accepts_the_pages_filters(login, caseworker, files):
    client = login(caseworker)
    items = client.get("/api/v1/hardship/files", {"q": files["li"].number}).json()["items"]
    assert [item["id"] for item in items] == [files["li"].pk]
    assert client.get("/api/v1/hardship/files", {"tiered": "true"}).json()["items"] == []


def test_the_watch_list_exports_the_exited_files_with_their_exit(login, caseworker, files, walk):
    exited = walk(files["li"], Status.EXITED)
    rows = export_rows(
        login(caseworker).get(reverse("hardship:watch_export"), {"status": "exited"})
    )
    assert [row[0] for row in rows[1:]] == [exited.number]
    assert rows[1][-2:] == [exited.exited_on.isoformat(), exited.get_exit_reason_display()]
    assert last_export_event().changes == {
        "list": "hardship.watch",
        "filters": {"status": "exited"},
        "rows": 1,
        "is_cut": False,
    }
