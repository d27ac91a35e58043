"""`nuanjia import workers FILE --org CODE` runs the page's engine here and now, printing progress."""

import datetime

import pytest
from django.utils import translation
from openpyxl import load_workbook

from nuanjia.cli import main
from nuanjia.core.models import AuditEvent
from nuanjia.orgs.models import Org
from nuanjia.orgs.services import create_grassroots_union
from nuanjia.people.models import ImportBatch, Worker

from .import_support import csv_bytes, row
from .support import id_number

pytestmark = pytest.mark.django_db

BORN = datetime.date(1990, 1, 2)


@pytest.fixture(autouse=True)
def chinese():
    """`nuanjia` activates the site language (Chinese) before it runs a command."""
    with translation.override("zh-hans"):
        yield


@pytest.fixture(autouse=True)
def no_django_setup(monkeypatch):
    """The test process already has Django set up (the command would do it first)."""
    monkeypatch.setattr("nuanjia.cli.setup_django", lambda: None)


@pytest.fixture
def sheet(tmp_path, tree):
    union = create_grassroots_union(
        parent=Org.objects.get(code="410108"),
        name="惠济区某工会",
        kind=Org.Kind.ENTERPRISE,
        by=None,
    )
    rows = [
        row("张三", id_number("410108", BORN, 11), phone="13800000011", union_code=union.code),
        row("李四", id_number("410108", BORN, 13), phone="13800000013"),
        row("王五", id_number("410108", BORN, 13)[:-1] + "0", phone="13800000015"),
    ]
    path = tmp_path / "惠济区职工.csv"
    path.write_bytes(csv_bytes(rows, encoding="gbk"))
    return path


def test_the_cli_imports_the_correct_rows_and_prints_progress(sheet, capsys):
    code = main(["import", "workers", str(sheet), "--org", "410108", "--mode", "valid_rows"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "正在将 惠济区职工.csv 导入 郑州市惠济区总工会（410108）" in out
    assert "已检查 3 行" in out
    assert "导入完成：新增 2 行，更新 0 行，未变 0 行；1 行有错误，未导入。" in out
    errors = sheet.with_name("惠济区职工.errors.xlsx")
    assert f"错误表：{errors}" in out
    rows = list(load_workbook(errors, read_only=True).active.iter_rows(values_only=True))
    assert rows[1][0] == "王五" and "校验码" in rows[1][-1]
    assert sorted(Worker.objects.values_list("name", flat=True)) == ["张三", "李四"]
    event = AuditEvent.objects.get(action="people.imported")
    assert event.actor is None and event.actor_label == "nuanjia import"
    assert ImportBatch.objects.get().stored_file == str(sheet)  # the operator's file stays


def test_the_cli_run_again_updates_nothing_twice(sheet, capsys):
    main(["import", "workers", str(sheet), "--org", "410108", "--mode", "valid_rows"])
    code = main(["import", "workers", str(sheet), "--org", "410108", "--mode", "valid_rows"])
    assert code == 0
    assert "新增 0 行，更新 0 行，未变 2 行" in capsys.readouterr().out
    assert Worker.objects.count() == 2


def test_the_cli_refuses_the_whole_file_by_default(sheet, capsys):
    code = main(["import", "workers", str(sheet), "--org", "410108"])
    assert code == 1 and not Worker.objects.exists()
    assert "没有导入任何数据；1 行有错误。" in capsys.readouterr().err


def test_the_cli_acts_as_a_caseworker_of_the_union_only(sheet, caseworker, outsider, capsys):
    assert (
        main(["import", "workers", str(sheet), "--org", "410108", "--as", outsider.username]) == 2
    )
    assert "不是 郑州市惠济区总工会 或其上级工会的经办人" in capsys.readouterr().err
    code = main(
        [
            "import",
            "workers",
            str(sheet),
            "--org",
            "410108",
            "--mode",
            "valid_rows",
            "--as",
            caseworker.username,
        ]
    )
    assert code == 0
    assert AuditEvent.objects.get(action="people.imported").actor == caseworker
    assert Worker.objects.filter(created_by=caseworker).count() == 2


def test_the_cli_names_what_it_cannot_find(sheet, capsys):
    assert main(["import", "workers", str(sheet), "--org", "999999"]) == 2
    assert "工会代码 999999 不存在" in capsys.readouterr().err
    assert main(["import", "workers", str(sheet.with_name("无.csv")), "--org", "410108"]) == 2
    assert "文件不存在" in capsys.readouterr().err
