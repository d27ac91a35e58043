"""The 400, 403, 404 and 500 pages: in Chinese, in the site's layout, and the 500 one standalone."""

from pathlib import Path

from django.conf import settings
from django.test import RequestFactory
from django.utils import translation
from django.views.defaults import server_error

from .support import page_text

TEMPLATES = Path(settings.BASE_DIR) / "templates"


def test_an_unknown_address_gets_the_chinese_404_page(login, caseworker):
    response = login(caseworker).get("/no-such-page/")
    text = page_text(response)
    assert response.status_code == 404
    assert "页面不存在" in text and "返回我的待办" in text
    assert 'class="topbar"' in text and 'id="mainnav"' in text  # the site's own layout


def test_an_anonymous_visitor_gets_the_404_page_too(client, tree):
    response = client.get("/no-such-page/")
    assert response.status_code == 404 and "页面不存在" in page_text(response)


def test_an_out_of_scope_union_gets_the_404_page(login, caseworker):
    from nuanjia.orgs.models import Org

    gulou = Org.objects.get(code="410204")
    response = login(caseworker).get(f"/orgs/{gulou.pk}/")
    assert response.status_code == 404 and "不在您所在工会的管辖范围内" in page_text(response)


def test_a_forbidden_page_gets_the_chinese_403_page(login, caseworker):
    response = login(caseworker).get("/staff/")
    text = page_text(response)
    assert response.status_code == 403
    assert "无权访问" in text and "已记入审计日志" in text and 'class="topbar"' in text


def test_a_bad_request_gets_the_chinese_400_page(client, tree):
    response = client.get("/accounts/login/", HTTP_HOST="evil.example")
    assert response.status_code == 400 and "请求无效" in page_text(response)


def test_the_500_page_is_chinese_and_needs_no_database(rf: RequestFactory):
    """No `db` fixture here: pytest-django makes any query raise, as a dead database would."""
    request = rf.get("/")
    with translation.override("zh-hans"):
        response = server_error(request)
    text = response.content.decode()
    assert response.status_code == 500
    assert "服务器错误" in text and "系统内部出错，错误已记录，请稍后重试。" in text
    assert '<link rel="stylesheet" href="/static/nuanjia/app.css">' in text


def test_the_500_page_stands_alone():
    """Django renders it without context processors; it must not extend the layout that uses them."""
    source = (TEMPLATES / "500.html").read_text(encoding="utf-8")
    assert "{% extends" not in source and "{% url" not in source and "user" not in source


def test_the_other_error_pages_extend_the_layout():
    for name in ("400.html", "403.html", "404.html"):
        assert (
            (TEMPLATES / name).read_text(encoding="utf-8").startswith('{% extends "base.html" %}')
        )
