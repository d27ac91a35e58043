"""The accessibility statement needs no sign-in and every public and member footer links it;
the public 12351 page's header leads to the public intake and 0371-12351 is a tel: link."""

import pytest
from django.urls import reverse


@pytest.mark.django_db
def test_the_statement_needs_no_sign_in_and_says_how_to_report_a_barrier(client):
    page = client.get(reverse("accessibility"))
    text = page.content.decode()
    assert page.status_code == 200
    assert 'href="tel:12351"' in text and reverse("hotline:public_submit") in text


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name",
    ["hotline:public_submit", "hotline:public_follow", "members:sign_in", "stations:nearest"],
)
def test_public_and_member_footers_link_the_statement(client, name):
    text = client.get(reverse(name)).content.decode()
    assert f'href="{reverse("accessibility")}"' in text


@pytest.mark.django_db
def test_the_public_page_leads_to_itself_not_to_the_staff_sign_in(client):
    text = client.get(reverse("hotline:public_submit")).content.decode()
    assert f'class="brand" href="{reverse("hotline:public_submit")}"' in text
    assert 'href="tel:037112351"' in text
    assert "data-autosubmit" not in text  # the language changes with its own button
