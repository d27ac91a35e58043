"""Ledger pages: figures in 元 and 万元, drill-down, forms with Chinese errors, the voucher,
and who may see and do what."""

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from openpyxl import Workbook

from nuanjia.funds import services
from nuanjia.funds.models import Transaction
from nuanjia.orgs.models import Org

from .conftest import YUAN

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_ledger_shows_own_and_subtree_figures_in_yuan_and_wan(login, funded, city_finance, orgs):
    page = _text(login(city_finance).get("/funds/"))
    assert "送温暖资金" in page
    assert "2,000.00" in page  # 郑州's own available
    assert "6,000.00" in page  # 郑州's subtree total
    assert "郑州市惠济区总工会" in page  # a child row
    page = _text(login(city_finance).get("/funds/?unit=wan"))
    assert "0.60" in page  # 6,000 元 = 0.60 万元


def test_a_figure_drills_down_to_the_transactions_behind_it(
    login, funded, city_finance, orgs, warmth
):
    client = login(city_finance)
    page = _text(
        client.get(f"/funds/orgs/{orgs['410108'].pk}/figure/?earmark={warmth.pk}&bucket=available")
    )
    allocation = Transaction.objects.get(kind="allocate", counterpart_org=orgs["410108"])
    assert f"#{allocation.pk}" in page
    account = funded["410108"]
    page = _text(client.get(f"/funds/accounts/{account.pk}/?bucket=available"))
    assert f"#{allocation.pk}" in page and "+4,000.00" in page


def _effects(page: str) -> tuple[list[int], int]:
    """The signed effect of each row and the footer's total, in fen."""
    import re

    def fen(text: str) -> int:
        return round(float(text.replace(",", "").replace("+", "")) * 100)

    rows = re.findall(r'data-testid="effect">([^<]+)<', page)
    total = re.search(r'data-testid="effect-total">([^<]+)<', page)
    return [fen(row) for row in rows], fen(total.group(1))


def test_a_reserved_figure_drills_down_to_signed_effects_adding_up_to_it(
    login, funded, city_finance, orgs, warmth, approver
):
    """已预留 2,744 once opened 7 transactions summing 17,744 with no sign: each row now shows
    what it did to the figure, and the rows add up to the figure."""
    account = funded["410108"]
    for amount in (1_000, 1_000, 1_000, 744):
        services.reserve(account, amount * YUAN, by=approver, source_type="t", source_id="1")
    for amount in (1_000, 1_000):
        services.release(account, amount * YUAN, by=approver, source_type="t", source_id="1")
    services.spend(account, 1_000 * YUAN, by=approver, source_type="t", source_id="1")
    account.refresh_from_db()
    assert account.reserved_fen == 744 * YUAN
    client = login(city_finance)
    for url in (
        f"/funds/accounts/{account.pk}/?bucket=reserved",
        f"/funds/orgs/{orgs['410108'].pk}/figure/?earmark={warmth.pk}&bucket=reserved",
    ):
        effects, total = _effects(_text(client.get(url)))
        assert len(effects) == 7
        assert sorted(effects)[:3] == [-1_000 * YUAN] * 3  # two releases and a spend
        assert sum(effects) == total == 744 * YUAN


def test_a_posting_whose_source_names_nothing_shows_its_raw_source_unlinked(
    login, funded, approver
):
    reservation = services.reserve(
        funded["410108"], YUAN, by=approver, source_type="relief.grant", source_id="999999"
    )
    page = _text(login(approver).get(f"/funds/transactions/{reservation.pk}/"))
    assert '<span data-testid="source">relief.grant:999999</span>' in page


def test_ledger_list_query_count_does_not_grow_with_transactions(
    login, funded, city_finance, orgs, warmth
):
    client = login(city_finance)
    account = funded["410100"]
    client.get(f"/funds/accounts/{account.pk}/")
    with CaptureQueriesContext(connection) as few:
        client.get(f"/funds/accounts/{account.pk}/")
        client.get("/funds/transactions/")
    for _ in range(5):
        services.allocate(orgs["410100"], orgs["410108"], warmth, YUAN, by=city_finance)
    with CaptureQueriesContext(connection) as many:
        client.get(f"/funds/accounts/{account.pk}/")
        client.get("/funds/transactions/")
    assert len(many) == len(few)


def test_finance_allocates_through_the_form(login, funded, city_finance, orgs, warmth):
    client = login(city_finance)
    assert client.get("/funds/allocate/").status_code == 200
    response = client.post(
        "/funds/allocate/",
        {
            "to_org": orgs["410108"].pk,
            "earmark": warmth.pk,
            "amount": "1,000.50",
            "posted_on": "2026-03-02",
            "memo": "第二批",
        },
    )
    assert response.status_code == 302
    posted = Transaction.objects.get(memo="第二批")
    assert posted.amount_fen == 100_050


@pytest.mark.parametrize(
    ("amount", "words"),
    [("0", "大于零"), ("-5", "负数"), ("1.005", "两位小数"), ("2000.01", "少于")],
)
def test_bad_amounts_are_refused_in_chinese_and_change_nothing(
    login, funded, city_finance, orgs, warmth, amount, words
):
    client = login(city_finance)
    before = Transaction.objects.count()
    with translation.override("zh-hans"):
        response = client.post(
            "/funds/allocate/",
            {
                "to_org": orgs["410108"].pk,
                "earmark": warmth.pk,
                "amount": amount,
                "posted_on": "2026-03-02",
            },
            HTTP_ACCEPT_LANGUAGE="zh-hans",
        )
    page = _text(response)
    assert words in page
    assert Transaction.objects.count() == before


def test_receive_return_reverse_and_close_forms(login, funded, finance, city_finance, orgs, warmth):
    client = login(finance)
    response = client.post(
        "/funds/receive/",
        {"earmark": warmth.pk, "source": "本级经费", "amount": "50", "posted_on": "2026-03-02"},
    )
    assert response.status_code == 302
    response = client.post(
        "/funds/return/",
        {"earmark": warmth.pk, "amount": "100", "posted_on": "2026-03-02", "memo": "结余上缴"},
    )
    assert response.status_code == 302
    returned = Transaction.objects.get(kind="return")
    client = login(city_finance)
    allocation = Transaction.objects.filter(kind="allocate", counterpart_org=orgs["410108"]).first()
    assert client.get(f"/funds/transactions/{allocation.pk}/reverse/").status_code == 200
    response = client.post(f"/funds/transactions/{returned.pk}/reverse/", {"reason": "误操作"})
    assert response.status_code == 302
    assert Transaction.objects.filter(kind="reverse", reverses=returned).exists()
    assert client.get("/funds/close/").status_code == 200
    response = client.post("/funds/close/", {"month": "2026-01"})
    assert response.status_code in (200, 302)


def test_the_voucher_shows_the_amount_in_capitals(login, funded, city_finance, orgs):
    allocation = Transaction.objects.get(kind="allocate", counterpart_org=orgs["410108"])
    page = _text(login(city_finance).get(f"/funds/transactions/{allocation.pk}/voucher/"))
    assert "肆仟元整" in page
    assert "<script>" not in page  # the print button is a static file (CSP)


def test_leaders_read_but_do_not_move_money(login, funded, leader):
    client = login(leader)
    assert client.get("/funds/").status_code == 200
    assert client.get("/funds/allocate/").status_code == 403
    assert client.post("/funds/receive/", {}).status_code == 403


def test_caseworkers_and_admins_see_no_ledger(login, funded, caseworker, system_admin):
    assert login(caseworker).get("/funds/").status_code == 403
    assert login(system_admin).get("/funds/").status_code == 403


def test_an_outsider_cannot_open_another_countys_account_or_transaction(
    login, funded, make_staff, orgs
):
    kaifeng_finance = make_staff("410204", "finance")
    client = login(kaifeng_finance)
    assert client.get(f"/funds/accounts/{funded['410108'].pk}/").status_code == 404
    allocation = Transaction.objects.get(kind="allocate", counterpart_org=orgs["410108"])
    assert client.get(f"/funds/transactions/{allocation.pk}/").status_code == 404
    assert client.get(f"/funds/transactions/{allocation.pk}/voucher/").status_code == 404
    assert client.get(f"/funds/orgs/{orgs['410108'].pk}/").status_code == 404


def _sheet(rows) -> io.BytesIO:
    book = Workbook()
    sheet = book.active
    sheet.append(["工会代码", "工会名称", "金额（元）"])
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    buffer.name = "下拨.xlsx"
    return buffer


def test_allocation_sheet_posts_every_row_or_none(login, funded, province_finance, warmth):
    client = login(province_finance)
    assert client.get("/funds/allocate/template/").status_code == 200
    cities = list(Org.objects.filter(parent__code="410000", kind="city").order_by("code"))[:3]
    rows = [(city.code, city.name, "1000") for city in cities]
    with translation.override("zh-hans"):
        bad = _sheet([*rows, ("419999", "", "10"), (cities[0].code, "", "1.001")])
        page = _text(
            client.post(
                "/funds/allocate/import/",
                {"earmark": warmth.pk, "file": bad, "posted_on": "2026-03-02"},
                HTTP_ACCEPT_LANGUAGE="zh-hans",
            )
        )
    assert "第5行" in page or "Row 5" in page
    assert Transaction.objects.filter(kind="allocate", memo="bulk").count() == 0
    response = client.post(
        "/funds/allocate/import/",
        {"earmark": warmth.pk, "file": _sheet(rows), "posted_on": "2026-03-02", "memo": "bulk"},
    )
    assert response.status_code == 302
    assert Transaction.objects.filter(kind="allocate", memo="bulk").count() == 3


def test_an_allocation_sheet_larger_than_the_balance_posts_nothing(
    login, funded, province_finance, warmth
):
    client = login(province_finance)
    cities = list(Org.objects.filter(parent__code="410000", kind="city").order_by("code"))[:3]
    rows = [(city.code, "", "2000") for city in cities]  # 6,000 元 > 4,000 元 available
    page = _text(
        client.post(
            "/funds/allocate/import/",
            {
                "earmark": warmth.pk,
                "file": _sheet(rows),
                "posted_on": "2026-03-02",
                "memo": "too much",
            },
        )
    )
    assert "4,000.00" in page
    assert not Transaction.objects.filter(memo="too much").exists()


def test_a_leader_opens_a_county_below_with_breadcrumbs_only_in_scope(login, funded, leader, orgs):
    page = _text(login(leader).get(f"/funds/orgs/{orgs['410108'].pk}/"))
    assert "郑州市惠济区总工会" in page
    assert f"/funds/orgs/{orgs['410100'].pk}/" in page
    assert f"/funds/orgs/{orgs['410000'].pk}/" not in page
