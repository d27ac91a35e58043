"""The demo's member benefits: loaded once, with uses, a bus usage file, statements and
figures to show."""

import pytest

from nuanjia.benefits.demo import load_demo_benefits
from nuanjia.benefits.figures import figures
from nuanjia.benefits.models import CouponBatch, Offer, Redemption, Statement, UsageFile
from nuanjia.demo import load_demo
from nuanjia.orgs.models import Staff

pytestmark = pytest.mark.django_db


def test_the_demo_benefits_load_once_and_show_figures(tree):
    load_demo()
    assert load_demo_benefits() is False
    assert set(Offer.objects.values_list("name", flat=True)) >= {
        "五元洗车",
        "五元观影",
        "一分乘公交",
    }
    assert CouponBatch.objects.get().issued >= 1
    usage = UsageFile.objects.get()
    assert usage.recorded and usage.refused
    assert Redemption.objects.filter(source="scan").exists()
    assert Statement.objects.filter(status="confirmed").exists()
    viewer = Staff.objects.get(username="zz_caseworker")
    labels = {f.label for f in figures(viewer, "offer")}
    assert {"五元洗车", "五元观影", "一分乘公交"} <= labels
