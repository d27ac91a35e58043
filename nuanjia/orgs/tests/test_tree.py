from nuanjia.orgs.models import Org
from nuanjia.orgs.services import load_union_tree


def test_tree_holds_province_18_cities_and_every_county(tree):
    assert Org.objects.filter(kind=Org.Kind.PROVINCE).count() == 1
    assert Org.objects.filter(kind=Org.Kind.CITY).count() == 18
    assert Org.objects.filter(kind=Org.Kind.COUNTY).count() == 180
    assert Org.objects.get(code="410102").parent.code == "410100"
    assert Org.objects.get(code="410102").name == "郑州市中原区总工会"
    jiyuan = Org.objects.get(code="419001")
    assert jiyuan.kind == Org.Kind.CITY and jiyuan.parent.code == "410000"
    assert not Org.objects.filter(code="419000").exists()


def test_functional_zones_have_unions(tree):
    zone = Org.objects.get(code="410173")
    assert zone.name == "郑州航空港经济综合实验区总工会"
    assert zone.parent.code == "410100"


def test_every_county_has_a_holding_pool(tree):
    counties = Org.objects.filter(kind=Org.Kind.COUNTY)
    pools = Org.objects.filter(kind=Org.Kind.HOLDING_POOL, parent__in=counties)
    assert pools.count() == counties.count()


def test_loading_the_tree_twice_changes_nothing(tree):
    assert load_union_tree() == 0


def test_subtree_is_a_prefix_match(tree):
    zhengzhou = Org.objects.get(code="410100")
    subtree = Org.objects.filter(path__startswith=zhengzhou.path)
    assert subtree.filter(code="410108").exists()
    assert not subtree.filter(code="410204").exists()


def test_a_union_page_names_its_division_kind_in_words_not_as_a_code(login, caseworker):
    from django.conf import settings as conf
    from django.urls import reverse

    district = Org.objects.get(code="410108")  # 惠济区, a 市辖区
    client = login(caseworker)
    client.cookies[conf.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("orgs:detail", args=[district.pk])).content.decode()
    assert "urban district" in page and "(district)" not in page
