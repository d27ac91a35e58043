"""Audit events of two counties for the auditor's pages."""

import pytest

from nuanjia.core.audit import record_event
from nuanjia.orgs.models import Org


@pytest.fixture
def events(tree, caseworker, outsider):
    huiji, gulou = Org.objects.get(code="410108"), Org.objects.get(code="410204")
    return {
        "huiji_ok": record_event(huiji, "org.updated", by=caseworker, label="惠济区事件"),
        "huiji_failed": record_event(
            None, "login.failed", success=False, actor_label="hj_caseworker", org=huiji
        ),
        "gulou": record_event(gulou, "org.updated", by=outsider, label="鼓楼区事件"),
    }
