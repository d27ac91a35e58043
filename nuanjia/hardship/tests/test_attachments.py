"""A hardship file's attachments (申请表, 收入证明, 走访记录, 其他): added, listed, downloaded
and removed with a reason on the file page and through the API; checked by content with
the field named in Chinese, capped at 5 MB, out of reach outside the union's subtree, every
change and every download in the audit trail."""

import datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from nuanjia.core.models import AuditEvent
from nuanjia.core.tests.uploads import DOCX, JPEG, PDF, bomb_png, upload
from nuanjia.core.workflow import REGISTRY
from nuanjia.hardship import services
from nuanjia.hardship.models import FileAttachment, FileEvent
from nuanjia.hardship.rules import Step

pytestmark = pytest.mark.django_db


def _add_on_page(client, hardship_file, name, content, kind="income"):
    return client.post(
        reverse("hardship:attachment_add", args=[hardship_file.pk]),
        {"kind": kind, "file": upload(name, content)},
    )


def _add_by_api(client, hardship_file, name, content, kind="income"):
    return client.post(
        f"/api/v1/hardship/files/{hardship_file.pk}/attachments",
        {"kind": kind, "file": upload(name, content)},
    )


def _audited(action: str, actor) -> int:
    return AuditEvent.objects.filter(action=action, actor=actor).count()


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_on_the_file_page_a_caseworker_adds_lists_downloads_and_removes(
    login, caseworker, reviewer, new_file
):
    client = login(caseworker)
    page = client.get(reverse("hardship:detail", args=[new_file.pk])).content.decode()
    assert 'data-testid="attachment-form"' in page and 'enctype="multipart/form-data"' in page
    added = _add_on_page(client, new_file, "2025年工资收入证明.jpg", JPEG)
    assert added.status_code == 302 and added["Location"].endswith("#attachments")
    attachment = FileAttachment.objects.get()
    assert (attachment.kind, attachment.name, attachment.size, attachment.added_by) == (
        "income", "2025年工资收入证明.jpg", len(JPEG), caseworker
    )  # fmt: skip
    listed = login(reviewer).get(reverse("hardship:detail", args=[new_file.pk])).content.decode()
    assert "2025年工资收入证明.jpg" in listed and "收入证明" in listed
    download_url = reverse("hardship:attachment", args=[attachment.pk])
    downloaded = login(reviewer).get(download_url)
    assert downloaded.status_code == 200 and _body(downloaded) == JPEG
    assert "no-store" in downloaded["Cache-Control"] and downloaded["Content-Type"] == "image/jpeg"
    assert "attachment;" in downloaded["Content-Disposition"]
    assert _audited("hardship.attachment_downloaded", reviewer) == 1

    client = login(caseworker)
    remove_url = reverse("hardship:attachment_remove", args=[attachment.pk])
    assert "收入证明" in client.get(remove_url).content.decode()
    refused = client.post(remove_url, {"reason": ""})
    assert refused.status_code == 200 and not FileAttachment.objects.get().removed_at
    assert client.post(remove_url, {"reason": "传错了家庭"}).status_code == 302
    attachment.refresh_from_db()
    assert attachment.removed_by == caseworker and attachment.removal_reason == "传错了家庭"
    assert client.get(download_url).status_code == 404
    shown = client.get(reverse("hardship:detail", args=[new_file.pk])).content.decode()
    assert "传错了家庭" in shown and download_url not in shown
    assert list(FileEvent.objects.filter(file=new_file).values_list("action", flat=True)) == [
        "apply", "attachment_added", "attachment_removed"
    ]  # fmt: skip
    assert _audited("hardship.attachment_added", caseworker) == 1
    assert _audited("hardship.attachment_removed", caseworker) == 1


def test_through_the_api_a_reviewer_uploads_lists_downloads_and_removes(login, reviewer, new_file):
    client = login(reviewer)
    created = _add_by_api(client, new_file, "走访记录.docx", DOCX, kind="visit")
    assert created.status_code == 201
    body = created.json()
    assert (body["kind"], body["kind_label"], body["name"], body["size"]) == (
        "visit", "走访记录", "走访记录.docx", len(DOCX)
    )  # fmt: skip
    listed = client.get(f"/api/v1/hardship/files/{new_file.pk}/attachments").json()
    assert [item["id"] for item in listed] == [body["id"]]
    downloaded = client.get(f"/api/v1/hardship/attachments/{body['id']}")
    assert downloaded.status_code == 200 and _body(downloaded) == DOCX
    assert "no-store" in downloaded["Cache-Control"]
    missing_reason = client.post(
        f"/api/v1/hardship/attachments/{body['id']}/remove", {}, content_type="application/json"
    )
    assert missing_reason.status_code == 422
    removed = client.post(
        f"/api/v1/hardship/attachments/{body['id']}/remove",
        {"reason": "重复上传"},
        content_type="application/json",
    )
    assert removed.status_code == 200 and removed.json()["removal_reason"] == "重复上传"
    assert client.get(f"/api/v1/hardship/attachments/{body['id']}").status_code == 404
    again = client.post(
        f"/api/v1/hardship/attachments/{body['id']}/remove",
        {"reason": "重复上传"},
        content_type="application/json",
    )
    assert again.status_code == 400
    for action in ("added", "downloaded", "removed"):
        assert _audited(f"hardship.attachment_{action}", reviewer) == 1


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("setup.exe", PDF, "不是可接受的文件类型"),
        ("收入证明.pdf", b"MZ\x90\x00 a program", "不是文件名所示的PDF"),
        ("收入证明.jpg", PDF, "不是文件名所示的图片"),
        ("收入证明.png", bomb_png(9_000, 9_000), "像素过多"),
        ("收入证明.pdf", b"%PDF-" + b"0" * (5 * 1024 * 1024), "超过 5 MB"),
        ("空.txt", b"", "是空文件"),
    ],
)
def test_a_bad_file_is_refused_in_chinese_naming_the_field_on_both_surfaces(
    login, caseworker, new_file, name, content, words
):
    client = login(caseworker)
    page = _add_on_page(client, new_file, name, content)
    assert page.status_code == 200
    assert page.context["form"].errors["file"] == [page.context["form"].errors["file"][0]]
    message = page.context["form"].errors["file"][0]
    assert message.startswith("附件：") and words in message and name in message
    api = _add_by_api(client, new_file, name, content)
    assert api.status_code == 400
    assert api.json()["field"] == "file" and api.json()["message"] == message
    assert not FileAttachment.objects.exists()
    assert not AuditEvent.objects.filter(action="hardship.attachment_added").exists()


def test_a_missing_file_or_kind_is_named_by_the_api(login, caseworker, new_file):
    client = login(caseworker)
    url = f"/api/v1/hardship/files/{new_file.pk}/attachments"
    no_file = client.post(url, {"kind": "income"})
    assert no_file.status_code == 400 and no_file.json()["field"] == "file"
    assert no_file.json()["message"] == "附件：请选择文件。"
    no_kind = client.post(url, {"file": upload("a.pdf", PDF)})
    assert no_kind.status_code == 400 and no_kind.json()["field"] == "kind"
    assert "申请表" in no_kind.json()["message"]


def test_outside_the_subtree_every_attachment_page_and_operation_is_404_and_audited(
    login, caseworker, outsider, new_file
):
    attachment = services.add_attachment(
        new_file, upload("申请表.pdf", PDF), kind="application", by=caseworker
    )
    client = login(outsider)
    attempts = [
        client.get(reverse("hardship:attachment", args=[attachment.pk])),
        client.post(reverse("hardship:attachment_remove", args=[attachment.pk]), {"reason": "x"}),
        _add_on_page(client, new_file, "b.pdf", PDF),
        client.get(f"/api/v1/hardship/files/{new_file.pk}/attachments"),
        _add_by_api(client, new_file, "b.pdf", PDF),
        client.get(f"/api/v1/hardship/attachments/{attachment.pk}"),
        client.post(
            f"/api/v1/hardship/attachments/{attachment.pk}/remove",
            {"reason": "x"},
            content_type="application/json",
        ),
    ]
    assert [response.status_code for response in attempts] == [404] * len(attempts)
    assert AuditEvent.objects.filter(action="access.denied", actor=outsider).count() == 7
    assert FileAttachment.objects.get().removed_at is None
    assert not AuditEvent.objects.filter(action="hardship.attachment_downloaded").exists()


def test_a_role_that_may_read_but_not_attach_is_refused_and_audited(login, finance, new_file):
    client = login(finance)
    page = client.get(reverse("hardship:detail", args=[new_file.pk])).content.decode()
    assert 'data-testid="attachment-form"' not in page
    assert _add_on_page(client, new_file, "a.pdf", PDF).status_code == 403
    assert _add_by_api(client, new_file, "a.pdf", PDF).status_code == 403
    assert AuditEvent.objects.filter(action="access.denied", actor=finance).count() == 2
    assert not FileAttachment.objects.exists()


def test_a_closed_file_takes_no_attachment_changes(login, caseworker, new_file):
    attachment = services.add_attachment(
        new_file, upload("申请表.pdf", PDF), kind="application", by=caseworker
    )
    REGISTRY["hardship"].take_step(new_file, Step.WITHDRAW, by=caseworker, note="家庭撤回申请")
    client = login(caseworker)
    page = client.get(reverse("hardship:detail", args=[new_file.pk])).content.decode()
    assert 'data-testid="attachment-form"' not in page
    assert reverse("hardship:attachment_remove", args=[attachment.pk]) not in page
    refused = _add_by_api(client, new_file, "b.pdf", PDF)
    assert refused.status_code == 400 and "已撤回" in refused.json()["message"]
    removal = client.post(
        f"/api/v1/hardship/attachments/{attachment.pk}/remove",
        {"reason": "x"},
        content_type="application/json",
    )
    assert removal.status_code == 400
    assert client.get(reverse("hardship:attachment", args=[attachment.pk])).status_code == 200


def test_the_retention_purge_deletes_the_documents_and_keeps_the_counts(
    caseworker, new_file, django_capture_on_commit_callbacks
):
    attachment = services.add_attachment(
        new_file, upload("张三收入证明.pdf", PDF), kind="income", by=caseworker
    )
    stored = Path(settings.MEDIA_ROOT) / attachment.file.name
    assert stored.read_bytes() == PDF
    with django_capture_on_commit_callbacks(execute=True):
        services.purge_file(new_file, on=datetime.date(2040, 1, 1))
    attachment.refresh_from_db()
    assert not stored.exists()
    assert (attachment.name, attachment.file.name, attachment.kind, attachment.size) == (
        "", "", "income", len(PDF)
    )  # fmt: skip
    assert attachment.removed_at is not None
