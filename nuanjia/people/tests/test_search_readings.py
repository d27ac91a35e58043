"""Every reading of a name finds the worker, and the import and export are linked from the
worker list (issue 12, item 24)."""

import datetime

import pytest
from django.urls import reverse

from nuanjia.people.queries import search_workers

from .import_support import row, run_csv
from .support import id_number, register

pytestmark = pytest.mark.django_db

BORN = datetime.date(1985, 6, 15)
READINGS = ["guozhangshun", "guochangshun", "changshun", "zhangshun", "chang", "gcs", "cs", "zs"]


@pytest.mark.parametrize("text", READINGS)
def test_a_polyphone_name_is_found_by_every_reading_and_by_the_given_name(caseworker, text):
    guo = register(caseworker, name="郭长顺", id_number=id_number("410108", BORN, 101))
    assert list(search_workers(caseworker, text)) == [guo]


def test_a_surname_is_read_by_its_surname_reading(caseworker):
    zeng = register(caseworker, name="曾乐乐")
    assert list(search_workers(caseworker, "zengyueyue")) == [zeng]
    assert list(search_workers(caseworker, "yueyue")) == [zeng]
    assert not search_workers(caseworker, "cengle").exists()


def test_imported_workers_are_found_by_every_reading_too(caseworker, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    assert (
        run_csv(caseworker, tmp_path, [row("郭长顺", id_number("410108", BORN, 101))]).created == 1
    )
    for text in READINGS:
        assert search_workers(caseworker, text).count() == 1, text


def test_the_worker_list_links_the_import_and_the_export(caseworker, login):
    page = login(caseworker).get(reverse("people:worker_list"), {"q": "张"}).content.decode()
    assert f'href="{reverse("people_import:import")}"' in page
    assert f'href="{reverse("people_import:export")}?q=%E5%BC%A0"' in page
