"""The figures page and the claim history show the states' and steps' labels, never codes."""

import datetime
import io

import pytest
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from nuanjia.mutualaid import services
from nuanjia.mutualaid.rules import ClaimStatus, ClaimStep, action_label

from .support import claim_data, covered


@pytest.mark.django_db
def test_figures_page_and_export_label_the_claim_states(plan, caseworker, client):
    enrolment = covered(plan, caseworker, paid_on=datetime.date(2026, 2, 1))
    services.submit_claim(plan, enrolment.worker, claim_data(), by=caseworker)
    client.force_login(caseworker)
    page = client.get("/mutualaid/figures/").content.decode()
    assert f"{ClaimStatus.SUBMITTED.label}: 1" in page
    assert ">submitted:" not in page
    export = client.get("/mutualaid/figures/?format=xlsx")
    rows = list(load_workbook(io.BytesIO(b"".join(export.streaming_content))).active.values)
    cells = [c for row in rows for c in row]
    assert str(ClaimStatus.SUBMITTED.label) in cells and "submitted" not in cells


@pytest.mark.django_db
def test_claim_history_shows_the_step_labels(plan, caseworker, ma_approver, client):
    enrolment = covered(plan, caseworker, paid_on=datetime.date(2026, 2, 1))
    claim = services.submit_claim(plan, enrolment.worker, claim_data(), by=caseworker)
    services.refuse_claim(claim, by=ma_approver, reason="材料不全")
    client.force_login(caseworker)
    response = client.get(f"/mutualaid/claims/{claim.pk}/")
    assert response.status_code == 200, response
    page = response.content.decode()
    assert f"<strong>{_('Claim entered')}</strong>" in page
    assert f"<strong>{ClaimStep.REFUSE.label}</strong>" in page
    assert "<strong>submit</strong>" not in page and "<strong>refuse</strong>" not in page
    assert action_label("pay") == _("Paid by the bank") and action_label("odd") == "odd"
