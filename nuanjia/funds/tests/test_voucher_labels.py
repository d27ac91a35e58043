"""The printed 付款凭证 names the payer and the payee, not a date range (issue 12 #19).

The msgids "From"/"To" are the date filters' 开始日期/结束日期; the voucher asks for them in the
"payer"/"payee" contexts.
"""

import re

import pytest
from django.utils import translation
from django.utils.translation import gettext, pgettext

from nuanjia.funds.models import Transaction

pytestmark = pytest.mark.django_db


def test_the_voucher_labels_payer_and_payee_not_start_and_end_dates(
    login, funded, city_finance, orgs
):
    allocation = Transaction.objects.get(kind="allocate", counterpart_org=orgs["410108"])
    response = login(city_finance).get(f"/funds/transactions/{allocation.pk}/voucher/")
    headers = re.findall(r"<th>([^<]*)</th>", response.content.decode())
    with translation.override("zh-hans"):
        date_labels = {gettext("From"), gettext("To")}
        party_labels = {pgettext("payer", "From"), pgettext("payee", "To")}
    assert not date_labels & set(headers)
    assert party_labels <= set(headers)
