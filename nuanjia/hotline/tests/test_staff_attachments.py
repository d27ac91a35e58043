"""Files staff attach to a ticket go through core.uploads like every attachment: checked by
content, stored privately under a random name, downloaded uncached, the download audited."""

import stat
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from nuanjia.core.audit import AuditEvent
from nuanjia.core.tests.uploads import DOCX, JPEG, upload
from nuanjia.hotline import services
from nuanjia.hotline.models import TicketAttachment
from nuanjia.hotline.rules import Kind

pytestmark = pytest.mark.django_db


@pytest.fixture
def ticket(hotline_agent):
    return services.open_ticket(by=hotline_agent, phone="13812345678", region_code="410108",
                                kind=Kind.COMPLAINT, description="拖欠工资")  # fmt: skip


def test_staff_attach_a_document_and_download_it_uncached_and_audited(login, hotline_agent, ticket):
    client = login(hotline_agent)
    posted = client.post(
        reverse("hotline:attach", args=[ticket.pk]), {"file": upload("劳动合同.docx", DOCX)}
    )
    assert posted.status_code == 302
    attachment = TicketAttachment.objects.get()
    stored = Path(settings.MEDIA_ROOT) / attachment.file.name
    assert attachment.name == "劳动合同.docx" and "劳动合同" not in attachment.file.name
    assert stored.suffix == ".docx" and stat.S_IMODE(stored.stat().st_mode) == 0o600
    response = client.get(reverse("hotline:attachment", args=[attachment.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content) == DOCX
    assert "no-store" in response["Cache-Control"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert AuditEvent.objects.filter(
        action="hotline.attachment_downloaded", actor=hotline_agent
    ).exists()


@pytest.mark.parametrize(
    ("name", "content"),
    [("run.exe", DOCX), ("工资条.jpg", b"\xff\xd8\xff\xe0not really a picture"), ("a.docx", JPEG)],
)
def test_a_file_that_is_not_what_it_says_is_refused_and_nothing_kept(
    login, hotline_agent, ticket, name, content
):
    client = login(hotline_agent)
    posted = client.post(
        reverse("hotline:attach", args=[ticket.pk]), {"file": upload(name, content)}, follow=True
    )
    assert name in posted.content.decode()
    assert not TicketAttachment.objects.exists()
