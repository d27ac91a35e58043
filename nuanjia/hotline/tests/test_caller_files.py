"""Photos and PDFs from callers: checked by content before anything is written, kept on the
ticket (not twice on a double tap), added later with the number and the phone's last 4
digits, refused on a closed request, and shown to staff as coming from the caller."""

import json

import pytest
from django.test import Client
from django.urls import reverse

from nuanjia.core.errors import RuleViolation
from nuanjia.core.tests.uploads import JPEG, PDF, PNG, upload
from nuanjia.hotline import services
from nuanjia.hotline.models import Ticket, TicketAttachment
from nuanjia.hotline.rules import Kind, Status

pytestmark = pytest.mark.django_db
PHONE = "13812345678"


def request_values(**overrides) -> dict:
    values = {"caller_name": "张三", "phone": PHONE, "region_code": "410108",
              "kind": Kind.HELP, "description": "工资被拖欠"}  # fmt: skip
    values.update(overrides)
    return values


def test_a_request_keeps_its_photos_and_pdf_and_the_timeline_says_so(tree):
    files = [upload("工资条.jpg", JPEG), upload("合同.pdf", PDF), upload("通知.PNG", PNG)]
    ticket, _ = services.submit_request(**request_values(), files=files)
    kept = list(ticket.attachments.order_by("id"))
    assert [(item.name, item.added_by_id) for item in kept] == [
        ("工资条.jpg", None), ("合同.pdf", None), ("通知.PNG", None)
    ]  # fmt: skip
    assert kept[0].file.read() == JPEG
    assert ticket.events.filter(action="attached", changes__by="caller").count() == 3


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ([upload("a.exe", JPEG)], "a.exe"),
        ([upload("pay.jpg", b"MZ\x90\x00 not a picture")], "pay.jpg"),
        ([upload("empty.png", b"")], "empty.png"),
        ([upload("big.pdf", b"%PDF-" + b"0" * (5 * 1024 * 1024))], "5 MB"),
        ([upload(f"{n}.jpg", JPEG) for n in range(4)], "3"),
    ],
)
def test_bad_files_are_refused_by_name_and_nothing_is_written(tree, files, message):
    with pytest.raises(RuleViolation) as refused:
        services.submit_request(**request_values(), files=files)
    assert refused.value.field == "files" and message in refused.value.message
    assert not Ticket.objects.exists() and not TicketAttachment.objects.exists()


def test_a_double_tap_with_the_same_photo_keeps_it_once(tree):
    first, _ = services.submit_request(**request_values(), files=[upload("a.jpg", JPEG)])
    again, is_new = services.submit_request(
        **request_values(), files=[upload("a.jpg", JPEG), upload("b.png", PNG)]
    )
    assert not is_new and again.pk == first.pk
    assert sorted(first.attachments.values_list("name", flat=True)) == ["a.jpg", "b.png"]


def test_files_added_later_need_the_number_and_last_four_digits(tree):
    ticket, _ = services.submit_request(**request_values())
    assert services.attach_files_to_followed(ticket.number, "0000", [upload("a.jpg", JPEG)]) is None
    assert not TicketAttachment.objects.exists()
    found = services.attach_files_to_followed(ticket.number, "5678", [upload("a.jpg", JPEG)])
    assert found == ticket and ticket.attachments.count() == 1


def test_a_closed_request_takes_no_more_files(tree):
    ticket, _ = services.submit_request(**request_values())
    Ticket.objects.filter(pk=ticket.pk).update(status=Status.CLOSED)
    with pytest.raises(RuleViolation, match="已结案"):
        services.attach_files_to_followed(ticket.number, "5678", [upload("a.jpg", JPEG)])


def test_a_request_takes_at_most_nine_files_from_callers(tree):
    ticket, _ = services.submit_request(**request_values())
    for batch in range(3):
        files = [upload(f"{batch}-{n}.jpg", JPEG) for n in range(3)]
        services.attach_files_to_followed(ticket.number, "5678", files)
    with pytest.raises(RuleViolation, match="9"):
        services.attach_files_to_followed(ticket.number, "5678", [upload("more.jpg", JPEG)])
    assert ticket.attachments.count() == 9


def test_the_public_page_sends_files_with_the_request(tree):
    data = {**request_values(), "employer_name": "", "files": [upload("a.jpg", JPEG)]}
    response = Client().post(reverse("hotline:public_submit"), data)
    ticket = Ticket.objects.get()
    assert response.status_code == 200 and ticket.number in response.content.decode()
    assert list(ticket.attachments.values_list("name", flat=True)) == ["a.jpg"]


def test_the_public_page_names_a_bad_file_and_writes_nothing(tree):
    data = {**request_values(), "employer_name": "", "files": [upload("a.jpg", b"not a jpeg")]}
    response = Client().post(reverse("hotline:public_submit"), data)
    assert response.status_code == 200
    assert "a.jpg" in response.context["form"].errors["files"][0]
    assert not Ticket.objects.exists()


def test_the_follow_page_adds_files_to_the_request(tree):
    ticket, _ = services.submit_request(**request_values())
    client = Client()
    shown = client.post(
        reverse("hotline:public_follow"), {"number": ticket.number, "last4": "5678"}
    )
    assert b'data-testid="follow-attach-form"' in shown.content
    empty = client.post(
        reverse("hotline:public_follow"), {"number": ticket.number, "last4": "5678", "attach": "1"}
    )
    assert "请选择要上传的文件" in empty.content.decode()
    added = client.post(
        reverse("hotline:public_follow"),
        {"number": ticket.number, "last4": "5678", "attach": "1", "files": [upload("a.pdf", PDF)]},
    )
    assert added.context["attached"] and ticket.attachments.count() == 1
    wrong = client.post(
        reverse("hotline:public_follow"),
        {"number": ticket.number, "last4": "0000", "attach": "1", "files": [upload("b.pdf", PDF)]},
    )
    assert wrong.context["not_found"] and ticket.attachments.count() == 1


def test_the_public_api_adds_files_and_answers_alike_for_a_wrong_phone(tree):
    client = Client()
    created = client.post("/api/v1/hotline/public/tickets", json.dumps(request_values()),
                          content_type="application/json")  # fmt: skip
    number = created.json()["number"]
    url = "/api/v1/hotline/public/attachments"
    added = client.post(url, {"number": number, "last4": "5678", "files": [upload("a.png", PNG)]})
    assert added.status_code == 201 and added.json() == {"number": number, "attachments": 1}
    wrong = client.post(url, {"number": number, "last4": "1111", "files": [upload("b.png", PNG)]})
    unknown = client.post(url, {"number": "nope", "last4": "5678", "files": [upload("b.png", PNG)]})
    assert wrong.status_code == unknown.status_code == 404 and wrong.json() == unknown.json()
    bad = client.post(url, {"number": number, "last4": "5678", "files": [upload("c.png", JPEG)]})
    assert bad.status_code == 400 and bad.json()["field"] == "files"
    none = client.post(url, {"number": number, "last4": "5678"})
    assert none.status_code == 400 and none.json()["field"] == "files"


def test_staff_see_which_files_came_from_the_caller(tree, login, hotline_agent):
    ticket, _ = services.submit_request(**request_values(), files=[upload("a.jpg", JPEG)])
    page = login(hotline_agent).get(reverse("hotline:detail", args=[ticket.pk]))
    assert "a.jpg" in page.content.decode()
    assert "来电人提供" in page.content.decode()
