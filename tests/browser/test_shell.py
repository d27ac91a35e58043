"""A district caseworker signs in and sees only the district's part of the union tree."""

import pytest

from conftest import PASSWORD
from nuanjia.orgs.models import Org
from nuanjia.orgs.services import create_grassroots_union

from .conftest import PHONE, screenshot, sign_in


@pytest.fixture
def district(transactional_db, tree, caseworker):
    huiji = Org.objects.get(code="410108")
    create_grassroots_union(
        parent=huiji, name="郑州惠济区百味餐饮管理有限公司工会", kind=Org.Kind.ENTERPRISE, by=None
    )
    create_grassroots_union(
        parent=Org.objects.get(code="410204"),
        name="开封市鼓楼区汴京饭店有限公司工会",
        kind=Org.Kind.ENTERPRISE,
        by=None,
    )
    return caseworker


def test_district_caseworker_sees_only_the_district_subtree(new_page, district):
    page = new_page()
    sign_in(page, district.username, PASSWORD)
    page.wait_for_url("**/")
    assert page.get_by_test_id("current-org").inner_text() == "郑州市惠济区总工会"
    page.get_by_role("link", name="组织机构").click()
    tree = page.get_by_test_id("org-tree")
    tree.wait_for()
    text = tree.inner_text()
    assert "郑州市惠济区总工会" in text
    assert "百味餐饮" in text and "集中入会池" in text
    assert "郑州市总工会" not in text and "开封" not in text and "中原区" not in text
    screenshot(page, "tree-desktop")

    page.fill("input[name=q]", "饭店")
    page.click("form.searchbar button")
    assert "开封" not in page.get_by_test_id("search-results").inner_text()


def test_tree_works_on_a_phone(new_page, district):
    page = new_page(PHONE)
    sign_in(page, district.username, PASSWORD)
    page.wait_for_url("**/")
    page.get_by_role("button", name="菜单").click()
    page.get_by_role("link", name="组织机构").click()
    page.get_by_test_id("org-tree").wait_for()
    screenshot(page, "tree-phone")
    page.get_by_role("link", name="郑州惠济区百味餐饮管理有限公司工会").click()
    page.get_by_role("heading", name="郑州惠济区百味餐饮管理有限公司工会").wait_for()
    screenshot(page, "org-detail-phone")
