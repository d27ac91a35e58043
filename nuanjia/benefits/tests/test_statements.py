"""Monthly merchant statements: Σ subsidies − reversals to the fen, files byte-identical on
regeneration, the merchant's confirm or dispute, maker-checker, paid in a batch, and the
ledger's check."""

import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied
from openpyxl import load_workbook

from nuanjia.benefits.models import Statement
from nuanjia.benefits.rules import StatementStatus
from nuanjia.benefits.services import redemptions, reversals, statements
from nuanjia.benefits.statement_files import statement_pdf, statement_xlsx
from nuanjia.cli import main as nuanjia_main
from nuanjia.core import clock
from nuanjia.core.errors import RuleViolation
from nuanjia.core.imports import SheetSource
from nuanjia.funds import services as funds
from nuanjia.funds.checks import first_discrepancy
from nuanjia.funds.models import Earmark, Transaction
from nuanjia.orgs.models import Org
from nuanjia.orgs.rules import Role
from nuanjia.relief import services as relief

from .support import CAR_WASH_PHONE, card, key, local, member, offer_for, partner_client

pytestmark = pytest.mark.django_db
NOVEMBER = datetime.date(2026, 11, 1)


@pytest.fixture(autouse=True)
def business_day():
    with clock.as_of(datetime.date(2026, 12, 6)):
        yield


@pytest.fixture
def november(car_wash, planner):
    """Five car washes (one reversed) and two cinema tickets in November 2026."""
    _partner, outlet, person, terms, wash = car_wash
    cinema = offer_for(terms, planner, name="五元观影", subsidy=3000)
    people = [member() for _ in range(3)]
    used = []
    for n, someone in enumerate(people):
        for offer in (wash, wash, cinema) if n < 2 else (wash,):
            answer = redemptions.redeem(person, offer=offer.pk, key=key(), code=card(someone),
                                        outlet=outlet.pk, at=local(2026, 11, 3 + n, 10 + len(used)))  # fmt: skip
            used.append(answer.redemption_id)
    reversals.reverse(person, used[0], reason="未服务", at=local(2026, 11, 3, 20))
    return used


def test_the_statement_is_subsidies_less_reversals_and_its_files_add_up(
    car_wash, planner, november
):
    terms = car_wash[3]
    assert statements.statement_preview(terms, NOVEMBER) == (7, 5 * 2500 + 2 * 3000, 1, 2500)
    statement = statements.prepare_statement(terms, NOVEMBER, by=planner)
    assert (statement.uses, statement.amount_fen) == (7, 16_000)
    first, again = statement_xlsx(statement), statement_xlsx(statement)
    assert first == again
    assert statement_pdf(statement) == statement_pdf(statement)
    assert statement_pdf(statement).startswith(b"%PDF")
    book = load_workbook(io.BytesIO(first))
    summary = list(book.worksheets[0].iter_rows(values_only=True))
    assert summary[-1][2] * 100 == statement.amount_fen
    assert round(sum(row[2] for row in summary[3:-1]) * 100) == statement.amount_fen
    rows = list(book.worksheets[1].iter_rows(min_row=2, values_only=True))
    kept = [row[5] for row in rows if not row[6]]
    assert len(rows) == 7 and round(sum(kept) * 100) == statement.amount_fen
    with pytest.raises(RuleViolation) as twice:
        statements.prepare_statement(terms, NOVEMBER, by=planner)
    assert twice.value.code == "already_settled"


def test_an_empty_month_or_one_not_ended_is_refused(car_wash, planner):
    terms = car_wash[3]
    with pytest.raises(RuleViolation) as empty:
        statements.prepare_statement(terms, datetime.date(2026, 10, 1), by=planner)
    assert empty.value.code == "nothing_to_settle"
    with pytest.raises(RuleViolation) as running:
        statements.prepare_statement(terms, datetime.date(2026, 12, 1), by=planner)
    assert running.value.field == "month"


def test_every_merchant_of_the_month_in_one_go(car_wash, planner, november):
    made = statements.prepare_month(NOVEMBER, org=Org.objects.get(code="410000"), by=planner)
    assert [s.amount_fen for s in made] == [16_000]
    assert statements.prepare_month(NOVEMBER, org=Org.objects.get(code="410000"), by=planner) == []


def test_the_merchant_confirms_or_disputes_its_own_only(car_wash, planner, november, texts):
    from .support import merchant

    statement = statements.prepare_statement(car_wash[3], NOVEMBER, by=planner)
    _other, _place, stranger = merchant(planner, name="别家洗车", phone="13700006666")
    with pytest.raises(PermissionDenied):
        statements.confirm_statement(statement, user=stranger)
    phone = partner_client(CAR_WASH_PHONE)
    page = phone.get("/p/benefits/statements/").content.decode()
    assert str(statement) in page
    assert (
        phone.get(f"/p/benefits/statements/?statement={statement.pk}&file=pdf").status_code == 200
    )
    phone.post("/p/benefits/statements/", {"statement": statement.pk, "action": "dispute",
                                           "reason": ""})  # fmt: skip
    assert Statement.objects.get().status == StatementStatus.PREPARED  # a reason is needed
    phone.post("/p/benefits/statements/", {"statement": statement.pk, "action": "confirm"})
    assert Statement.objects.get().status == StatementStatus.CONFIRMED


def _results(batch) -> SheetSource:
    references = batch.lines.order_by("pk").values_list("reference", flat=True)
    text = "参考号,结果,原因\n" + "".join(f"{ref},成功,\n" for ref in references)
    return SheetSource(io.BytesIO(text.encode()), name="result.csv")


def test_maker_checker_then_paid_in_a_batch_and_the_ledger_checks(
    car_wash, planner, november, make_staff
):
    finance = make_staff("410000", Role.FINANCE)
    province, warmth = Org.objects.get(code="410000"), Earmark.objects.get(code="warmth")
    funds.receive(province, warmth, 10_000_000, source="财政", by=finance)
    statement = statements.prepare_statement(car_wash[3], NOVEMBER, by=planner)
    statement = statements.confirm_statement(statement, user=car_wash[2])
    with pytest.raises(RuleViolation):  # the preparer may not approve it
        statements.approve_statement(statement, by=planner)
    approver = make_staff("410000", Role.APPROVER)
    statement = statements.approve_statement(statement, by=approver)
    assert funds.account_for(province, warmth).reserved_fen == 16_000
    batch = relief.batches.build_batch(province, warmth, by=finance,
                                       source_type="benefits.statement")  # fmt: skip
    assert batch.total_fen == 16_000 and batch.lines.get().purpose == "普惠结算"
    relief.export_bank_file(batch, io.BytesIO(), by=finance, reason="对公结算", fmt="csv")
    assert relief.import_bank_results(batch, _results(batch), by=finance).committed
    statement.refresh_from_db()
    assert statement.status == StatementStatus.PAID
    spends = Transaction.objects.filter(kind="spend", source_type="benefits.statement")
    assert list(spends.values_list("source_id", flat=True)) == [str(statement.pk)]
    assert first_discrepancy() is None
    assert nuanjia_main(["funds", "check"]) == 0


def test_funds_check_names_a_paid_statement_without_its_payment(car_wash, planner, november):
    statement = statements.prepare_statement(car_wash[3], NOVEMBER, by=planner)
    Statement.objects.filter(pk=statement.pk).update(status=StatementStatus.PAID)
    assert "is paid but has 0 spending transactions" in (first_discrepancy() or "")


def test_staff_pages_prepare_show_and_download(car_wash, planner, november):
    from django.test import Client

    from conftest import verified_login

    client = Client()
    verified_login(client, planner)
    client.post("/benefits/statements/prepare/", {"terms": car_wash[3].pk, "month": "2026-11"})
    statement = Statement.objects.get()
    page = client.get(f"/benefits/statements/{statement.pk}/").content.decode()
    assert "160.00" in page and "五元观影" in page
    xlsx = client.get(f"/benefits/statements/{statement.pk}/statement.xlsx")
    assert xlsx.content == statement_xlsx(statement)
    assert client.get(f"/benefits/statements/{statement.pk}/statement.pdf").status_code == 200
    assert str(statement) in client.get("/benefits/statements/").content.decode()


def test_the_api_prepares_and_the_merchant_confirms(car_wash, planner, november, texts):
    from django.test import Client

    from nuanjia.accounts.services import issue_api_token

    _token, raw = issue_api_token(planner, name="t", by=planner)
    api = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    made = api.post("/api/v1/benefits/statements", {"terms_id": car_wash[3].pk, "month": "2026-11"},
                    content_type="application/json")  # fmt: skip
    assert made.status_code == 201 and made.json()["amount_fen"] == 16_000
    assert sum(line["subsidy_fen"] for line in made.json()["lines"]) == 16_000
    bad = api.post("/api/v1/benefits/statements", {"terms_id": car_wash[3].pk, "month": "11月"},
                   content_type="application/json")  # fmt: skip
    assert bad.status_code == 400
    phone = partner_client(CAR_WASH_PHONE, kind="api")
    pk = made.json()["id"]
    assert phone.get("/api/v1/partner/benefits/statements").json()[0]["id"] == pk
    done = phone.post(f"/api/v1/partner/benefits/statements/{pk}/confirm")
    assert done.json()["status"] == "confirmed"
    assert api.get(f"/api/v1/benefits/statements/{pk}").json()["status"] == "confirmed"
