"""Every form, submitted empty (or with nonsense where empty is allowed), drawn by the shared
form template: each errored field's accessible description (aria-describedby) names elements
that exist, and they hold its error text (issue #26, docs/accessibility.md).

Forms are found by importing every `*forms*.py` module of nuanjia; a form whose constructor
takes keywords gets empty choices for them (the errors do not depend on what could be chosen)."""

import importlib
import inspect
import pkgutil
from html.parser import HTMLParser
from types import SimpleNamespace

import pytest
from django import forms
from django.template.loader import render_to_string

import nuanjia
from nuanjia.orgs.models import Org

# Keywords some constructors need, beyond `data`: nothing to choose from.
KEYWORD_VALUES = {
    "checks": False,
    "member": None,
    "worker": None,
    "household": SimpleNamespace(members=Org.objects.none()),
}


def form_classes() -> list[type[forms.BaseForm]]:
    found = {}
    for module_info in pkgutil.walk_packages(nuanjia.__path__, "nuanjia."):
        name = module_info.name
        if "forms" not in name.rsplit(".", 1)[-1] or ".tests" in name:
            continue
        module = importlib.import_module(name)
        for cls in vars(module).values():
            if (
                inspect.isclass(cls)
                and issubclass(cls, forms.BaseForm)
                and cls.__module__ == name
                and not cls.__name__.startswith("_")
                and not inspect.isabstract(cls)
            ):
                found[f"{name}.{cls.__name__}"] = cls
    return [found[key] for key in sorted(found)]


def build(cls, data):
    options = {}
    for klass in cls.__mro__:  # a subclass's **kwargs pass its parents' keywords on
        if "__init__" not in vars(klass):
            continue
        for parameter in inspect.signature(klass.__init__).parameters.values():
            if parameter.kind is parameter.KEYWORD_ONLY and parameter.default is parameter.empty:
                options[parameter.name] = KEYWORD_VALUES.get(parameter.name, Org.objects.none())
    for values in (options, {key: [] for key in options}):
        for files in ({"files": {}}, {}):  # a filter form takes no files
            try:
                return cls(data=data, **files, **values)
            except (TypeError, AttributeError):
                continue
    raise AssertionError(f"{cls.__name__}: cannot be built for the test")


class Ids(HTMLParser):
    """Each element's id and text, and each element's aria-describedby."""

    def __init__(self):
        super().__init__()
        self.text: dict[str, list[str]] = {}
        self.described: dict[str, list[str]] = {}  # the described element's name/id → ids
        self.open: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if attributes.get("aria-describedby"):
            key = attributes.get("name") or attributes.get("id") or tag
            self.described.setdefault(key, []).extend(attributes["aria-describedby"].split())
        if tag in {"input", "br", "img", "meta", "link", "hr"}:
            return
        if attributes.get("id"):
            self.text[attributes["id"]] = []
        self.open.append(attributes.get("id") or "")

    def handle_endtag(self, tag):
        if tag in {"input", "br", "img", "meta", "link", "hr"}:
            return
        if self.open:
            self.open.pop()

    def handle_data(self, data):
        for element_id in self.open:
            if element_id:
                self.text[element_id].append(data)


FORMS = form_classes()


def test_the_forms_are_found():
    assert len(FORMS) >= 50


@pytest.mark.django_db
@pytest.mark.parametrize("cls", FORMS, ids=lambda cls: f"{cls.__module__}.{cls.__name__}")
def test_each_errored_field_is_described_by_its_error(cls):
    form = build(cls, {})
    if form.is_valid():
        form = build(cls, {name: "§?" for name in form.fields} | {"": ""})
        if form.is_valid():
            pytest.skip("the form takes anything, empty or not")
    html = render_to_string("includes/form.html", {"form": form})
    page = Ids()
    page.feed(html)
    assert "data-error-summary" in html and 'role="alert"' in html
    for name, field in form.fields.items():
        bound = form[name]
        if not bound.errors or field.widget.is_hidden:
            continue
        key = f"{bound.auto_id}_group" if bound.use_fieldset else bound.html_name
        ids = page.described.get(key)
        assert ids, f"{name}: no aria-describedby"
        assert all(element_id in page.text for element_id in ids), (name, ids)
        described = " ".join("".join(page.text[element_id]) for element_id in ids)
        for error in bound.errors:
            assert error in described, (name, error, described)
