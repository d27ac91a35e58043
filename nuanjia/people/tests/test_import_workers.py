"""Worker sheets come in through the page at any size, all or nothing, and never leave half a batch."""

import datetime
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from openpyxl import load_workbook

from nuanjia.core.crypto import PURPOSE_ID_NUMBER, blind_index, decrypt, field_keyring
from nuanjia.core.idnumbers import id_check_char
from nuanjia.core.models import AuditEvent
from nuanjia.orgs.models import Org
from nuanjia.orgs.rules import Role
from nuanjia.orgs.services import create_grassroots_union
from nuanjia.people import imports, services
from nuanjia.people.imports import run_import_batch, start_worker_import
from nuanjia.people.models import Employer, ImportBatch, ImportRowError, Worker, WorkerNameKey
from nuanjia.people.queries import search_workers

from .import_support import csv_bytes, csv_upload, row, xlsx_upload
from .support import id_number, register

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("immediate_tasks")]

IMPORT_URL = reverse("people_import:import")
BORN = datetime.date(1985, 6, 15)


def good_rows(union, count: int = 3) -> list[list[str]]:
    names = ["张三", "李四", "王小五", "赵六", "钱七"]
    return [
        row(
            names[n % len(names)],
            id_number("410108", BORN, 101 + 2 * n),
            phone=f"+86 138 0000 {n:04d}",
            address="郑州市惠济区天河路1号",
            employer_name="郑州惠济区百味餐饮管理有限公司",
            occupations="外卖配送员、快递员" if n == 0 else "",
            union_code=union.code,
            joined_union_on="2020/3/1",
            member_card_number=f"HN{n:06d}",
            bank_name="中国工商银行",
            bank_account="6222 0212 3456 7890 12" + str(n),
        )
        for n in range(count)
    ]


def post(client, upload, mode="all_or_nothing"):
    response = client.post(IMPORT_URL, {"file": upload, "mode": mode})
    assert response.status_code == 302, response.content.decode()[:2000]
    batch = ImportBatch.objects.latest("pk")
    assert response["Location"] == reverse("people_import:batch", args=[batch.pk])
    return batch


def page(client, batch) -> str:
    return client.get(reverse("people_import:batch", args=[batch.pk])).content.decode()


def errors_of(batch) -> list[str]:
    return [
        str(error) for error in ImportRowError.objects.filter(batch=batch).order_by("row", "pk")
    ]


# ---- The happy path -------------------------------------------------------------------------


def test_a_caseworker_imports_a_sheet_through_the_page(login, caseworker, union):
    client = login(caseworker)
    batch = post(client, xlsx_upload(good_rows(union)))
    batch.refresh_from_db()
    assert (batch.status, batch.total, batch.created, batch.errors) == ("done", 3, 3, 0)
    zhang = Worker.objects.get(name="张三")
    number = id_number("410108", BORN, 101)
    assert decrypt(zhang.id_number_encrypted) == number
    assert zhang.id_number_index == blind_index(number, purpose=PURPOSE_ID_NUMBER)
    assert zhang.id_number_masked == "4101**********" + number[-4:]
    assert (zhang.gender, zhang.birth_date, zhang.phone) == ("male", BORN, "13800000000")
    assert (zhang.name_pinyin, zhang.name_initials) == ("zhangsan", "zs")
    assert zhang.org == caseworker.org and zhang.union == union and zhang.import_batch == batch
    assert zhang.joined_union_on == datetime.date(2020, 3, 1)
    assert zhang.employer.name == "郑州惠济区百味餐饮管理有限公司"
    assert decrypt(zhang.bank_account_encrypted) == "6222021234567890120"
    assert zhang.bank_account_masked == "**** **** **** 0120"
    assert sorted(zhang.occupations.values_list("name", flat=True)) == ["外卖配送员", "快递员"]
    assert set(WorkerNameKey.objects.filter(worker=zhang).values_list("key", flat=True)) == {
        "张三",
        "三",
        "san",  # the given name alone, in pinyin and initials (zhangsan and zs are columns)
        "s",
    }
    assert Employer.objects.count() == 1
    assert list(search_workers(caseworker, "zs")) == [zhang]
    assert list(search_workers(caseworker, "小五")) == [Worker.objects.get(name="王小五")]
    event = AuditEvent.objects.get(action="people.imported")
    assert event.changes["created"] == 3 and event.changes["batch"] == batch.pk
    assert event.actor == caseworker and number not in str(event.changes)
    html = page(client, batch)
    assert "全部行已导入" in html and 'hx-trigger="every 1s"' not in html


def test_the_progress_panel_polls_every_second_while_the_batch_runs(login, caseworker, union):
    batch = ImportBatch.objects.create(
        org=caseworker.org,
        mode="valid_rows",
        file_name="big.csv",
        status=ImportBatch.Status.CHECKING,
        total=1000,
        processed=250,
        errors=3,
        created_by=caseworker,
    )
    client = login(caseworker)
    html = client.get(reverse("people_import:batch_progress", args=[batch.pk])).content.decode()
    progress_url = reverse("people_import:batch_progress", args=[batch.pk])
    assert f'hx-get="{progress_url}"' in html and 'hx-trigger="every 1s"' in html
    assert 'value="25"' in html and "<script" not in html and "<html" not in html
    assert "已检查250行" in html.replace(" ", "") or "250" in html


def test_every_chunk_commits_the_batch_progress(caseworker, union, tmp_path):
    path = tmp_path / "workers.csv"
    path.write_bytes(csv_bytes(good_rows(union, 5)))
    batch = ImportBatch.objects.create(
        org=caseworker.org,
        mode="valid_rows",
        file_name="workers.csv",
        stored_file=str(path),
        created_by=caseworker,
    )
    seen = []
    run_import_batch(
        batch,
        chunk_rows=2,
        on_progress=lambda current: seen.append(
            ImportBatch.objects.values_list("status", "processed").get(pk=current.pk)
        ),
    )
    assert seen[:3] == [("checking", 2), ("checking", 4), ("checking", 5)]
    assert seen[-1] == ("done", 5)


# ---- Bad sheets -----------------------------------------------------------------------------


def bad_rows(union) -> list[list[str]]:
    """Rows 3–10 below a header on row 1 (CSV) or a title and group row (xlsx): four good, a
    wrong check character, an impossible birth date, an empty row, a repeat of the first."""
    good = good_rows(union, 4)
    wrong_check = id_number("410108", BORN, 201)
    wrong_check = wrong_check[:-1] + ("0" if wrong_check[-1] != "0" else "1")
    impossible = "41010819850230203"
    impossible += id_check_char(impossible)
    return [
        *good[:2],
        row("孙八", wrong_check),
        row("周九", impossible),
        ["", "", "", ""],
        good[2],
        row("吴十", good[0][1]),
        good[3],
    ]


def assert_refused_with_errors(client, batch, *, first_data_row: int):
    batch.refresh_from_db()
    assert batch.status == "refused" and batch.created == 0
    assert not Worker.objects.exists() and not Employer.objects.exists()
    assert not AuditEvent.objects.filter(action="people.imported").exists()
    first = first_data_row
    assert errors_of(batch) == [
        f"第{first + 2}行 B列（身份证号）：身份证号校验码（最后一位）不正确，请核对号码。",
        f"第{first + 3}行 B列（身份证号）：身份证号中的出生日期1985-02-30不存在。",
        f"第{first + 6}行 B列（身份证号）：与本文件第{first}行重复，同一条只能出现一次。",
    ]
    html = page(client, batch)
    assert "未导入任何数据" in html and f"第{first + 2}行" in html
    sheet = client.get(reverse("people_import:batch_errors", args=[batch.pk]))
    assert sheet.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(sheet.streaming_content)), read_only=True)
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0][-1] == "错误" and len(rows) == 1 + 7  # every non-empty row, to fix and re-upload
    assert [cells[0] for cells in rows[1:]] == [
        "张三",
        "李四",
        "孙八",
        "周九",
        "王小五",
        "吴十",
        "赵六",
    ]
    assert "校验码" in rows[3][-1] and rows[1][-1] in ("", None)


def test_a_gbk_csv_with_bad_rows_is_refused_whole_with_an_error_sheet(login, caseworker, union):
    client = login(caseworker)
    upload = csv_upload(bad_rows(union), encoding="gbk")
    batch = post(client, upload, mode="all_or_nothing")
    assert_refused_with_errors(client, batch, first_data_row=2)


def test_an_xlsx_with_merged_header_cells_and_bad_rows_is_refused_whole(login, caseworker, union):
    client = login(caseworker)
    batch = post(client, xlsx_upload(bad_rows(union), merged_groups=True))
    assert_refused_with_errors(client, batch, first_data_row=4)


def test_valid_rows_mode_imports_the_correct_rows_and_lists_the_others(login, caseworker, union):
    client = login(caseworker)
    batch = post(client, csv_upload(bad_rows(union)), mode="valid_rows")
    batch.refresh_from_db()
    assert (batch.status, batch.total, batch.created, batch.errors) == ("done", 7, 4, 3)
    assert sorted(Worker.objects.values_list("name", flat=True)) == [
        "张三",
        "李四",
        "王小五",
        "赵六",
    ]
    html = page(client, batch)
    assert "正确的行已导入" in html and "与本文件第2行重复" in html
    sheet = client.get(reverse("people_import:batch_errors", args=[batch.pk]))
    rows = list(
        load_workbook(
            io.BytesIO(b"".join(sheet.streaming_content)), read_only=True
        ).active.iter_rows(values_only=True)
    )
    assert [cells[0] for cells in rows[1:]] == ["孙八", "周九", "吴十"]


def test_cells_are_checked_against_the_rules_of_the_registry(caseworker, union, tmp_path):
    kaifeng_union = create_grassroots_union(
        parent=Org.objects.get(code="410204"), name="开封某工会", kind=Org.Kind.ENTERPRISE, by=None
    )
    rows = [
        row("甲", id_number("410108", BORN, 301), phone="12345", occupations="宇航员"),
        row("乙", id_number("410108", BORN, 303), joined_union_on="2020-01-01"),
        row("丙", id_number("410108", BORN, 305), union_code=kaifeng_union.code),
        row("丁", id_number("410108", BORN, 307), employer_credit_code="91410100MA40000001"),
        row(
            "戊",
            id_number("410108", BORN, 309),
            joined_union_on="2099-01-01",
            union_code=union.code,
        ),
        row("己", id_number("410108", BORN, 311), bank_account="1234", bank_name="中国银行"),
        row("庚", id_number("410108", BORN, 315), bank_account="6222021234567890123"),
        row("", id_number("410108", BORN, 313)),
    ]
    path = tmp_path / "rules.csv"
    path.write_bytes(csv_bytes(rows))
    batch = ImportBatch.objects.create(
        org=caseworker.org, mode="valid_rows", file_name="rules.csv", stored_file=str(path)
    )
    run_import_batch(batch)
    messages = "\n".join(errors_of(batch))
    assert "第2行 C列（手机号）：手机号码应为11位数字" in messages
    assert "第2行 G列（职业标签）：“宇航员”不在职业列表中" in messages
    assert "第3行 H列（所属工会代码）：请选择职工所在的工会" in messages
    assert (
        f"第4行 H列（所属工会代码）：您管辖范围内没有代码为 {kaifeng_union.code} 的基层工会"
        in messages
    )
    assert "第5行 F列（统一社会信用代码）：统一社会信用代码校验位错误" in messages
    assert "第6行 I列（入会日期）：日期不能晚于今天" in messages
    assert "第7行 L列（银行账号）：银行账号应为 8 至 30 位数字" in messages
    assert "第8行 K列（开户银行）：请填写开户银行" in messages
    assert "第9行 A列（姓名）：此项必填" in messages
    assert not Worker.objects.exists()


# ---- Re-imports and the province ------------------------------------------------------------


def test_reimporting_the_same_sheet_updates_instead_of_duplicating(login, caseworker, union):
    client = login(caseworker)
    rows = good_rows(union, 3)
    first = post(client, xlsx_upload(rows))
    ids = dict(Worker.objects.values_list("name", "pk"))
    rows[1][2] = "13912345678"  # 李四 has a new phone
    rows[2][6] = "环卫工人"  # 王小五 gets an occupation
    rows[0][11] = ""  # a blank cell keeps what is recorded
    second = post(client, xlsx_upload(rows))
    second.refresh_from_db()
    assert (second.status, second.created, second.updated, second.unchanged) == ("done", 0, 2, 1)
    assert dict(Worker.objects.values_list("name", "pk")) == ids
    li, wang, zhang = (Worker.objects.get(name=name) for name in ("李四", "王小五", "张三"))
    assert li.phone == "13912345678" and li.import_batch == second
    assert list(wang.occupations.values_list("name", flat=True)) == ["环卫工人"]
    assert zhang.import_batch == first and zhang.bank_account_masked.endswith("0120")
    assert WorkerNameKey.objects.filter(worker=li).count() == 4  # 李四 四 si s


def test_an_id_kept_by_kaifeng_is_an_error_that_never_shows_the_number(
    login, caseworker, outsider, union
):
    kaifeng_union = create_grassroots_union(
        parent=outsider.org, name="开封汴京饭店工会", kind=Org.Kind.ENTERPRISE, by=None
    )
    number = id_number("410204", BORN, 777)
    services.register_worker(org=kaifeng_union, by=outsider, name="陈七", id_number=number)
    client = login(caseworker)
    rows = [*good_rows(union, 1), row("陈七", number, phone="13800000777")]
    batch = post(client, csv_upload(rows), mode="valid_rows")
    batch.refresh_from_db()
    assert (batch.created, batch.errors) == (1, 1)
    [message] = [error.message for error in ImportRowError.objects.filter(batch=batch)]
    assert "开封汴京饭店工会" in message and "4102**********" + number[-4:] in message
    assert "陈*" in message and number not in message
    html = page(client, batch)
    assert "开封汴京饭店工会" in html and number not in html
    assert Worker.objects.get(
        id_number_index=blind_index(number, purpose=PURPOSE_ID_NUMBER)
    ).org == (kaifeng_union)


# ---- Crashes --------------------------------------------------------------------------------


def test_a_crash_while_staging_leaves_nothing_and_a_rerun_succeeds(
    caseworker, union, tmp_path, monkeypatch
):
    path = tmp_path / "workers.csv"
    path.write_bytes(csv_bytes(good_rows(union, 5)))
    batch = start_worker_import(
        org=caseworker.org,
        by=caseworker,
        upload=csv_upload(good_rows(union, 5)),
        mode="all_or_nothing",
    )
    calls = []
    real = imports.stage_chunk

    def crash_on_third_chunk(stage, prepared):
        calls.append(1)
        if len(calls) == 3:
            raise MemoryError("killed")
        real(stage, prepared)

    monkeypatch.setattr(imports.running, "stage_chunk", crash_on_third_chunk)
    with pytest.raises(MemoryError):
        run_import_batch(batch, chunk_rows=2)
    batch.refresh_from_db()
    assert batch.status == "failed" and "没有写入任何数据" in batch.sheet_errors[-1]
    assert not Worker.objects.exists() and not Employer.objects.exists()
    monkeypatch.setattr(imports.running, "stage_chunk", real)
    batch = imports.retry_import_batch(batch, by=caseworker)
    assert run_import_batch(batch, chunk_rows=2).status == "done"
    assert Worker.objects.count() == 5


def test_a_crash_inside_the_final_write_rolls_all_of_it_back(
    caseworker, union, tmp_path, monkeypatch
):
    path = tmp_path / "workers.csv"
    path.write_bytes(csv_bytes(good_rows(union, 4)))
    batch = ImportBatch.objects.create(
        org=caseworker.org, mode="valid_rows", file_name="w.csv", stored_file=str(path)
    )

    def crash(self, params, **options):
        raise ConnectionError("the database went away")

    monkeypatch.setattr(imports._Stage, "write_name_keys", crash)
    with pytest.raises(ConnectionError):
        run_import_batch(batch)
    assert not Worker.objects.exists() and not Employer.objects.exists()
    assert not AuditEvent.objects.filter(action="people.imported").exists()
    assert ImportBatch.objects.get(pk=batch.pk).status == "failed"
    assert not path.exists()  # kept only sealed, for a retry
    monkeypatch.undo()
    path.write_bytes(csv_bytes(good_rows(union, 4)))
    rerun = ImportBatch.objects.create(
        org=caseworker.org, mode="valid_rows", file_name="w.csv", stored_file=str(path)
    )
    assert run_import_batch(rerun).created == 4


def test_big_loads_rebuild_the_indexes_inside_the_transaction(
    caseworker, union, tmp_path, monkeypatch
):
    if connection.vendor != "sqlite":
        pytest.skip("indexes are rebuilt on SQLite only")
    monkeypatch.setattr(imports.merging, "REBUILD_MIN_ROWS", 1)
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' ORDER BY name")
        before = cursor.fetchall()
    path = tmp_path / "workers.csv"
    path.write_bytes(csv_bytes(good_rows(union, 3)))
    batch = ImportBatch.objects.create(
        org=caseworker.org, mode="valid_rows", file_name="w.csv", stored_file=str(path)
    )
    assert run_import_batch(batch).created == 3
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' ORDER BY name")
        assert cursor.fetchall() == before
    assert list(search_workers(caseworker, "zs")) == [Worker.objects.get(name="张三")]


def test_checking_processes_give_the_same_result_as_this_one(caseworker, union, tmp_path):
    rows = bad_rows(union) + good_rows(union, 5)[4:]
    path = tmp_path / "workers.csv"
    path.write_bytes(csv_bytes(rows))
    batch = ImportBatch.objects.create(
        org=caseworker.org, mode="valid_rows", file_name="w.csv", stored_file=str(path)
    )
    run_import_batch(batch, processes=2, chunk_rows=2)
    pooled = (errors_of(batch), sorted(Worker.objects.values_list("name", "phone_index")))
    Worker.objects.all().delete()
    again = ImportBatch.objects.create(
        org=caseworker.org, mode="valid_rows", file_name="w.csv", stored_file=str(path)
    )
    run_import_batch(again, processes=0)
    assert (errors_of(again), sorted(Worker.objects.values_list("name", "phone_index"))) == pooled
    assert len(pooled[1]) == 5


def test_the_bulk_keyring_seals_and_indexes_like_the_module_functions():
    keyring, number = field_keyring(), id_number("410108", BORN, 101)
    assert decrypt(keyring.encrypt(number)) == number
    assert keyring.blind_index(number, purpose=PURPOSE_ID_NUMBER) == blind_index(
        number, purpose=PURPOSE_ID_NUMBER
    )


# ---- Files that are not sheets ----------------------------------------------------------------


def test_a_file_without_the_header_is_refused_with_a_message(login, caseworker):
    client = login(caseworker)
    upload = SimpleUploadedFile("x.csv", "名字,号码\n张三,1\n".encode())
    batch = post(client, upload)
    batch.refresh_from_db()
    assert batch.status == "refused" and "找不到表头行" in batch.sheet_errors[0]
    assert "找不到表头行" in page(client, batch)


# ---- Template and export ----------------------------------------------------------------------


def test_the_template_has_notes_and_dropdowns_of_the_users_own_unions(login, caseworker, union):
    create_grassroots_union(
        parent=Org.objects.get(code="410204"), name="开封某工会", kind=Org.Kind.ENTERPRISE, by=None
    )
    response = login(caseworker).get(reverse("people_import:template"))
    book = load_workbook(io.BytesIO(response.content))
    sheet = book["职工名册"]
    assert [cell.value for cell in sheet[2]][:3] == ["姓名*", "身份证号*", "手机号"]
    assert "18位" in sheet["B2"].comment.text and "必填" in sheet["B2"].comment.text
    options = book["选项"]
    codes = {cell.value for cell in options["H"] if cell.value}
    assert union.code in codes and not any(code.startswith("410204") for code in codes)
    assert "环卫工人" in {cell.value for cell in options["G"] if cell.value}
    ranges = {str(validation.sqref) for validation in sheet.data_validations.dataValidation}
    assert any(item.startswith("G3") for item in ranges)


def test_the_export_masks_numbers_and_escapes_formulas(login, caseworker, union):
    worker = register(
        caseworker,
        name="张三",
        id_number=id_number("410108", BORN, 101),
        address='=HYPERLINK("http://x")',
        bank_name="中国银行",
        bank_account="6222021234567890123",
    )
    response = login(caseworker).get(reverse("people_import:export"))
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert 'quotePrefix="1"' in xml or "<f>" not in xml
    book = load_workbook(io.BytesIO(response.content), read_only=True)
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[1][1] == worker.id_number_masked and id_number("410108", BORN, 101) not in str(rows)
    assert rows[1][3] == '=HYPERLINK("http://x")' and rows[1][11] == "**** **** **** 0123"
    assert AuditEvent.objects.filter(action="people.exported", actor=caseworker).exists()


# ---- Who may --------------------------------------------------------------------------------


def test_an_outsider_gets_404_for_another_countys_batch(login, caseworker, outsider, union):
    batch = post(login(caseworker), csv_upload(good_rows(union, 1), name="惠济.csv"))
    client = login(outsider)
    for name in ("batch", "batch_progress", "batch_errors"):
        assert client.get(reverse(f"people_import:{name}", args=[batch.pk])).status_code == 404
    assert client.post(reverse("people_import:batch_retry", args=[batch.pk])).status_code == 404
    assert "惠济.csv" not in client.get(IMPORT_URL).content.decode()


def test_only_whoever_uploaded_a_sheet_downloads_its_error_sheet(
    login, caseworker, make_staff, union
):
    batch = post(login(caseworker), csv_upload(bad_rows(union)), mode="valid_rows")
    colleague = make_staff("410108", Role.CASEWORKER)
    client = login(colleague)
    assert client.get(reverse("people_import:batch", args=[batch.pk])).status_code == 200
    assert client.get(reverse("people_import:batch_errors", args=[batch.pk])).status_code == 404


def test_readers_see_imports_but_only_caseworkers_upload(login, leader, union):
    client = login(leader)
    assert client.get(IMPORT_URL).status_code == 200
    response = client.post(
        IMPORT_URL, {"file": csv_upload(good_rows(union, 1)), "mode": "valid_rows"}
    )
    assert response.status_code == 403 and not ImportBatch.objects.exists()


@pytest.mark.parametrize("persona", ["system_admin", "security_admin", "auditor"])
def test_administrator_roles_are_refused_the_import_pages(request, login, persona):
    client = login(request.getfixturevalue(persona))
    for url in (IMPORT_URL, reverse("people_import:template"), reverse("people_import:export")):
        assert client.get(url).status_code == 403


def test_the_uploader_runs_a_failed_import_again_from_its_kept_file(
    login, caseworker, union, monkeypatch
):
    client = login(caseworker)

    def crash(self, params):
        raise ConnectionError("the database went away")

    monkeypatch.setattr(imports._Stage, "write_name_keys", crash)
    batch = post(client, csv_upload(good_rows(union, 2)))
    batch.refresh_from_db()
    assert batch.status == "failed" and batch.stored_file
    html = page(client, batch)
    assert "重新运行" in html and "没有写入任何数据" in html
    monkeypatch.undo()
    retry = reverse("people_import:batch_retry", args=[batch.pk])
    assert client.post(retry).status_code == 302
    batch.refresh_from_db()
    assert (batch.status, batch.created, batch.stored_file) == ("done", 2, "")
    assert client.post(retry).status_code == 302  # settled now: nothing happens again
    assert Worker.objects.count() == 2


def test_the_export_can_be_limited_to_a_search(login, caseworker, union):
    register(caseworker, name="张三")
    register(caseworker, name="李四")
    response = login(caseworker).get(reverse("people_import:export"), {"q": "zs"})
    rows = list(
        load_workbook(io.BytesIO(response.content), read_only=True).active.iter_rows(
            values_only=True
        )
    )
    assert [cells[0] for cells in rows[1:]] == ["张三"]
