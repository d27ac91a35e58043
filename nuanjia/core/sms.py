"""Text messages (a hotline caller's ticket number, a member's notice), through a pluggable
backend shared by every app.

settings.SMS_BACKEND names a class with `send(phone, text)`; the default writes to the log
(console), `nuanjia.core.sms.FileBackend` appends JSON lines to var/sms.log (or
settings.SMS_FILE). A real provider is one more class; it should
enqueue its own task if the provider is slow, since messages are sent after commit.
"""

from __future__ import annotations

import json
import logging
import threading
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

logger = logging.getLogger("nuanjia.sms")
_lock = threading.Lock()


class ConsoleBackend:
    def send(self, phone: str, text: str) -> None:
        logger.info("SMS to %s: %s", phone, text)


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


def backend() -> Any:
    path = getattr(settings, "SMS_BACKEND", "nuanjia.core.sms.ConsoleBackend")
    return import_string(path)()


def send_sms(phone: str, text: str) -> None:
    """Send now; a failing provider is logged, never raised into the caller's request."""
    try:
        backend().send(phone, text)
    except Exception:
        logger.exception("SMS to %s could not be sent", phone)
