"""The frame every page shares: the favicon and the language menu."""

from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from PIL import Image

pytestmark = pytest.mark.django_db


def test_the_favicon_is_linked_and_answers_at_the_root(client):
    page = client.get(reverse("accounts:login")).content.decode()
    assert 'rel="icon"' in page and "nuanjia/favicon.ico" in page
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"].endswith("nuanjia/favicon.ico")
    icon = Path(settings.BASE_DIR, "static", "nuanjia", "favicon.ico")
    with Image.open(icon) as image:
        assert image.format == "ICO"


def test_the_language_menu_names_each_language_in_its_own_language(client):
    for language in ("zh-hans", "en"):
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        page = client.get(reverse("accounts:login")).content.decode()
        assert ">English</option>" in page and ">简体中文</option>" in page
        assert "英语" not in page and ">Simplified Chinese<" not in page
