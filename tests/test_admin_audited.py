"""The Django admin is where the operator edits configuration (caps, standards, policies,
calendars, tags). Every such edit must leave an audit event like any other change."""

import pytest
from django.apps import apps
from django.contrib import admin

from nuanjia.core.adminkit import AuditedAdmin, ReadOnlyInline
from nuanjia.core.audit import verify_chain
from nuanjia.core.models import AuditEvent
from nuanjia.orgs.models import Staff
from nuanjia.people.models import OccupationTag

pytestmark = pytest.mark.django_db


def test_every_admin_of_ours_is_audited_and_every_inline_read_only():
    ours = [
        (model._meta.label, type(model_admin).__name__)
        for model, model_admin in admin.site._registry.items()
        if model.__module__.startswith("nuanjia.")
    ]
    assert ours, "no admin of ours is registered"
    unaudited = [
        label
        for label, _name in ours
        if not isinstance(admin.site._registry[apps.get_model(label)], AuditedAdmin)
    ]
    assert unaudited == []
    editable_inlines = [
        inline.__name__
        for model, model_admin in admin.site._registry.items()
        if model.__module__.startswith("nuanjia.")
        for inline in model_admin.inlines
        if not issubclass(inline, ReadOnlyInline)
    ]
    assert editable_inlines == []


@pytest.fixture
def operator(login, system_admin):
    Staff.objects.filter(pk=system_admin.pk).update(is_staff=True, is_superuser=True)
    system_admin.refresh_from_db()
    return login(system_admin)


def test_adding_changing_and_deleting_in_the_admin_is_audited(operator, system_admin):
    url = "/djadmin/people/occupationtag/"
    added = operator.post(f"{url}add/", {"name": "测试工种", "sort_order": "5", "is_active": "on"})
    assert added.status_code == 302
    tag = OccupationTag.objects.get(name="测试工种")
    changed = operator.post(
        f"{url}{tag.pk}/change/", {"name": "测试工种", "sort_order": "7", "is_active": "on"}
    )
    assert changed.status_code == 302
    deleted = operator.post(f"{url}{tag.pk}/delete/", {"post": "yes"})
    assert deleted.status_code == 302 and not OccupationTag.objects.filter(pk=tag.pk).exists()

    events = AuditEvent.objects.filter(object_type="people.occupationtag", object_id=str(tag.pk))
    by_action = {event.action: event for event in events}
    assert set(by_action) == {"admin.added", "admin.changed", "admin.deleted"}
    assert by_action["admin.added"].changes["name"] == [None, "测试工种"]
    assert by_action["admin.changed"].changes == {"sort_order": [5, 7]}
    assert all(event.actor_id == system_admin.pk for event in events)
    assert verify_chain() is None


def test_an_edit_in_the_change_list_is_audited(operator):
    tag = OccupationTag.objects.create(name="测试工种乙", sort_order=1, is_active=True)
    data = {
        "form-TOTAL_FORMS": "1", "form-INITIAL_FORMS": "1", "form-0-id": str(tag.pk),
        "form-0-sort_order": "1", "form-0-is_active": "", "_save": "保存",
    }  # fmt: skip
    response = operator.post("/djadmin/people/occupationtag/", data)
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="admin.changed", object_id=str(tag.pk))
    assert event.changes == {"is_active": [True, False]}


def _change_form_data(response) -> dict:
    """What the admin change page would post back unchanged: the main form's and each
    inline formset's current values, with their management forms."""
    data = {}
    form = response.context["adminform"].form
    for name, field in form.fields.items():
        value = form[name].value()
        if value is None:
            continue
        if isinstance(value, bool):
            if value:
                data[name] = "on"
            continue
        widget = field.widget
        if hasattr(widget, "widgets"):  # a split date and time
            for index, part in enumerate(widget.decompress(value)):
                data[f"{name}_{index}"] = part
            continue
        data[name] = field.prepare_value(value)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for key, value in formset.management_form.initial.items():
            data[f"{formset.prefix}-{key}"] = value
        for inline_form in formset.initial_forms:
            for name in inline_form.fields:
                value = inline_form[name].value()
                if value is not None:
                    data[inline_form.add_prefix(name)] = value
    return data


def test_roles_cannot_be_given_in_the_staff_admin_and_other_edits_are_audited(operator, caseworker):
    url = f"/djadmin/orgs/staff/{caseworker.pk}/change/"
    page = operator.get(url)
    assert not page.context["inline_admin_formsets"][0].has_add_permission
    data = _change_form_data(page)
    data["full_name"] = "王经办"
    response = operator.post(url, data)
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="admin.changed", object_id=str(caseworker.pk))
    assert event.object_type == "orgs.staff" and event.changes["full_name"][1] == "王经办"
    assert Staff.objects.get(pk=caseworker.pk).roles == {"caseworker"}
