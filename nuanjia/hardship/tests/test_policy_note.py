"""The policy page and the province's seeded policy say where the default figures come from in
words a union officer understands, never by naming a file outside nuanjia."""

import importlib
import re

from django.apps import apps
from django.urls import reverse

from nuanjia.hardship.models import HardshipPolicy
from nuanjia.hardship.rules import DEFAULT_POLICY

REWORD = importlib.import_module("nuanjia.hardship.migrations.0007_policy_note_in_plain_words")


def test_the_seeded_province_policy_says_where_its_figures_come_from(db):
    province = HardshipPolicy.objects.get(region_code="410000")
    assert province.note == REWORD.NOTE
    assert ".md" not in province.note


def test_the_migration_rewords_the_old_note_and_leaves_a_union_s_own_note(db):
    HardshipPolicy.objects.filter(region_code="410000").update(note="DESIGN-NOTES.md 默认值")
    own = HardshipPolicy.objects.create(
        region_code="410100", effective_on="2026-01-01", note="郑工发〔2026〕1号"
    )
    REWORD.reword(apps, None)
    assert HardshipPolicy.objects.get(region_code="410000").note == REWORD.NOTE
    own.refresh_from_db()
    assert own.note == "郑工发〔2026〕1号"


def test_the_policy_page_explains_the_defaults(login, caseworker):
    page = login(caseworker).get(reverse("hardship:policies")).content.decode()
    explained = re.search(r'data-testid="policy-defaults-source">(.*?)</p>', page, re.DOTALL)
    assert explained is not None
    text = explained.group(1)
    defaults = DEFAULT_POLICY
    figures = (defaults.relative_multiple, defaults.publicity_days, defaults.retention_years)
    for figure in (*figures, defaults.gradual_exit_max_percent):
        assert str(figure) in text
    assert ".md" not in page
