"""What the partner programmes' tests share: a signed-in partner phone client, a partner
with one outlet and one person, and an uploaded sheet."""

from __future__ import annotations

import io

import openpyxl
from django.test import Client

from nuanjia.members.auth import PARTNER_DOOR
from nuanjia.members.services import partners
from nuanjia.members.tests.conftest import last_code


def partner_client(phone: str) -> tuple[Client, object]:
    """A browser signed in on the partner pages (/p/) as the partner person of `phone`."""
    partners.send_partner_code(phone, ip="10.1.1.1", text="code %(code)s %(minutes)d")
    person, raw = partners.partner_sign_in(phone, last_code(phone))
    client = Client()
    client.cookies[PARTNER_DOOR.cookie] = raw
    client.cookies[PARTNER_DOOR.cookie]["path"] = "/p/"
    return client, person


def partner_with_outlet(by, *, org, name, kind, outlet, phone):
    """A partner registered by `org` with one outlet and one person signing in by `phone`."""
    partner = partners.register_partner(org=org, name=name, kind=kind, by=by)
    place = partners.add_outlet(partner, name=outlet, by=by)
    person = partners.add_partner_user(partner, name=f"{name}经办", phone=phone, by=by)
    return partner, place, person


def sheet_file(title: str, header: list, *rows) -> io.BytesIO:
    """An .xlsx file whose sheet `title` has the header row, then the rows."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title
    sheet.append(header)
    for row in rows:
        sheet.append(list(row))
    output = io.BytesIO()
    book.save(output)
    output.seek(0)
    return output
