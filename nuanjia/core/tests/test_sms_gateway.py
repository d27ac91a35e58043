"""The HTTP SMS gateway backend against a local fake gateway; sends logged masked."""

import json
import logging
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from nuanjia.core.sms import send_sms


class FakeGateway(BaseHTTPRequestHandler):
    received: list[tuple[dict, str]] = []
    status = 200

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        FakeGateway.received.append((body, self.headers.get("Authorization", "")))
        self.send_response(FakeGateway.status)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def gateway(settings):
    server = HTTPServer(("127.0.0.1", 0), FakeGateway)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    FakeGateway.received = []
    FakeGateway.status = 200
    settings.SMS_BACKEND = "nuanjia.core.sms.HttpGatewayBackend"
    settings.SMS_HTTP_URL = f"http://127.0.0.1:{server.server_port}/send"
    settings.SMS_HTTP_KEY = "gateway-key"
    settings.SMS_SIGN = "暖家"
    yield FakeGateway
    server.shutdown()


def test_a_message_reaches_the_gateway_with_its_key_and_signature(gateway, caplog):
    with caplog.at_level(logging.INFO, logger="nuanjia.sms"):
        assert send_sms("13812345678", "您的验证码是 123456", topic="sign_in") is True
    body, authorization = gateway.received[0]
    assert body == {"to": "13812345678", "text": "您的验证码是 123456", "sign": "暖家"}
    assert authorization == "Bearer gateway-key"
    logged = caplog.text
    assert "138****5678" in logged and "13812345678" not in logged and "123456" not in logged


def test_a_refusing_gateway_is_logged_not_raised(gateway, caplog):
    gateway.status = 500
    with caplog.at_level(logging.INFO, logger="nuanjia.sms"):
        assert send_sms("13812345678", "x") is False
    assert "could not be sent" in caplog.text and "13812345678" not in caplog.text
