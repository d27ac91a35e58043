"""Text messages (a hotline caller's ticket number, a member's sign-in code and notices),
through a pluggable backend shared by every app.

settings.SMS_BACKEND names a class with `send(phone, text)`:

- `ConsoleBackend` (the default) writes each message to the log, for development;
- `FileBackend` appends JSON lines to var/sms.log (or settings.SMS_FILE), for tests and demos;
- `HttpGatewayBackend` posts each message to an SMS gateway over HTTP(S): a JSON body
  `{"to": "138…", "text": "…", "sign": "<SMS_SIGN>"}` to settings.SMS_HTTP_URL with the header
  `Authorization: Bearer <SMS_HTTP_KEY>`; any 2xx answer is taken as accepted. A provider with
  another interface (Aliyun, Tencent Cloud) is a small class of the same shape, or a relay
  service in front of it that speaks this one.

Every send is logged (logger "nuanjia.sms") with the masked number and the message's length,
never its text (a sign-in code is a secret; only the development console shows it), and a
failing provider is logged, never raised into the caller's request. A log line, not a table
row: the hotline's public intake texts every caller, and a second write per submission would
halve what the embedded database takes.
"""

from __future__ import annotations

import json
import logging
import threading
import urllib.request
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

from .masking import mask_phone

logger = logging.getLogger("nuanjia.sms")
_lock = threading.Lock()


class ConsoleBackend:
    def send(self, phone: str, text: str) -> None:
        logger.info("SMS to %s: %s", mask_phone(phone), text)


class FileBackend:
    def send(self, phone: str, text: str) -> None:
        path = Path(getattr(settings, "SMS_FILE", None) or Path(settings.VAR_DIR) / "sms.log")
        line = json.dumps(
            {"at": timezone.now().isoformat(), "to": phone, "text": text}, ensure_ascii=False
        )
        with _lock, path.open("a", encoding="utf-8") as out:
            out.write(line + "\n")


class MemoryBackend:
    """For tests: messages are kept in `outbox`."""

    outbox: list[tuple[str, str]] = []

    def send(self, phone: str, text: str) -> None:
        self.outbox.append((phone, text))


class HttpGatewayBackend:
    """An SMS gateway reached over HTTP(S) (see the module docstring)."""

    timeout = 5.0

    def send(self, phone: str, text: str) -> None:
        url = getattr(settings, "SMS_HTTP_URL", "")
        if not url.startswith(("https://", "http://")):
            raise RuntimeError("NUANJIA_SMS_HTTP_URL must be an http(s) address")
        body = json.dumps(
            {"to": phone, "text": text, "sign": getattr(settings, "SMS_SIGN", "")},
            ensure_ascii=False,
        ).encode("utf-8")
        request = urllib.request.Request(url, data=body, method="POST")  # noqa: S310 (http(s) only)
        request.add_header("Content-Type", "application/json; charset=utf-8")
        key = getattr(settings, "SMS_HTTP_KEY", "")
        if key:
            request.add_header("Authorization", f"Bearer {key}")
        with urllib.request.urlopen(request, timeout=self.timeout) as answer:  # noqa: S310
            if not 200 <= answer.status < 300:
                raise RuntimeError(f"SMS gateway answered {answer.status}")


def backend() -> Any:
    path = getattr(settings, "SMS_BACKEND", "nuanjia.core.sms.ConsoleBackend")
    return import_string(path)()


def send_sms(phone: str, text: str, *, topic: str = "") -> bool:
    """Send now and log the send (masked); False when the provider failed (logged)."""
    chosen = str(getattr(settings, "SMS_BACKEND", "nuanjia.core.sms.ConsoleBackend"))
    try:
        backend().send(phone, text)
    except Exception:
        logger.exception("SMS %s to %s could not be sent", topic or "-", mask_phone(phone))
        return False
    logger.info(
        "SMS %s sent to %s: %d characters via %s",
        topic or "-",
        mask_phone(phone),
        len(text),
        chosen.rsplit(".", 1)[-1],
    )
    return True
