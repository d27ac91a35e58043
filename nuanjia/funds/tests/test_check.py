"""`nuanjia funds check` passes on a sound ledger and names the first tampered row."""

import pytest
from django.db import connection

from nuanjia.cli import main as nuanjia_main
from nuanjia.funds import services
from nuanjia.funds.models import Entry, FundAccount, Transaction

from .conftest import YUAN

pytestmark = pytest.mark.django_db


def _execute(sql: str, params: list) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_check_passes_on_a_sound_ledger(funded, approver, capsys):
    services.reserve(
        funded["410108"], 100 * YUAN, by=approver, source_type="relief.grant", source_id=1
    )
    services.spend(
        funded["410108"], 100 * YUAN, by=approver, source_type="relief.grant", source_id=1
    )
    assert nuanjia_main(["funds", "check"]) == 0
    assert "OK" in capsys.readouterr().out


def test_check_names_a_transaction_that_does_not_balance(funded, capsys):
    entry = Entry.objects.filter(account__isnull=False).order_by("pk").first()
    _execute("UPDATE funds_entry SET amount_fen = amount_fen + 1 WHERE id = %s", [entry.pk])
    assert nuanjia_main(["funds", "check"]) == 1
    assert f"transaction #{entry.transaction_id}" in capsys.readouterr().err


def test_check_names_an_account_whose_balance_is_off_its_entries(funded, capsys):
    account = funded["410108"]
    _execute(
        "UPDATE funds_fundaccount SET available_fen = available_fen + 5 WHERE id = %s", [account.pk]
    )
    assert nuanjia_main(["funds", "check"]) == 1
    err = capsys.readouterr().err
    assert f"account #{account.pk}" in err and "available" in err


def test_check_names_a_transaction_without_entries(funded, capsys):
    posted = Transaction.objects.order_by("pk").first()
    _execute("DELETE FROM funds_entry WHERE transaction_id = %s", [posted.pk])
    assert nuanjia_main(["funds", "check"]) == 1
    assert "#" in capsys.readouterr().err


def test_accounts_are_not_touched_by_the_check(funded):
    before = list(FundAccount.objects.values_list("available_fen", flat=True))
    nuanjia_main(["funds", "check"])
    assert list(FundAccount.objects.values_list("available_fen", flat=True)) == before


def _paid_grant(account, worker_org):
    """A relief grant recorded as paid, built as rows (the relief app's own tests walk it
    through its services); skipped when the relief app is not installed."""
    from django.apps import apps

    try:
        grant_model = apps.get_model("relief", "Grant")
        grant_type_model = apps.get_model("relief", "GrantType")
    except LookupError:
        pytest.skip("the relief app is not installed")
    from nuanjia.people.models import Worker

    worker = Worker.objects.create(
        org=worker_org,
        name="测试职工",
        name_pinyin="ceshi",
        region_code="410108",
        phone="13900000000",
    )
    return grant_model.objects.create(
        worker=worker,
        grant_type=grant_type_model.objects.first(),
        earmark=account.earmark,
        org=account.org,
        region_code="410108",
        amount_fen=100 * YUAN,
        reason="测试",
        status="paid",
        year=2026,
        proposed_on="2026-03-01",
    )


def test_check_names_a_paid_grant_without_its_spend_and_passes_with_one(funded, orgs, capsys):
    account = funded["410108"]
    grant = _paid_grant(account, orgs["410108"])
    assert nuanjia_main(["funds", "check"]) == 1
    assert f"grant #{grant.pk}" in capsys.readouterr().err
    services.reserve(account, 100 * YUAN, by=None, source_type="relief.grant", source_id=grant.pk)
    services.spend(account, 100 * YUAN, by=None, source_type="relief.grant", source_id=grant.pk)
    assert nuanjia_main(["funds", "check"]) == 0
