"""client_ip: REMOTE_ADDR, or behind NUANJIA_TRUSTED_PROXIES proxies the address the nearest
trusted proxy saw; what a client writes into X-Forwarded-For itself is never believed."""

from typing import Any

import pytest
from django.test import RequestFactory

from nuanjia.core.middleware import client_ip

PROXY = "10.0.0.1"


def request_from(forwarded: str | None = None, remote: str = PROXY):
    headers: dict[str, Any] = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **headers)


def test_without_trusted_proxies_the_header_is_ignored(settings):
    settings.NUANJIA_TRUSTED_PROXIES = 0
    assert client_ip(request_from("1.2.3.4")) == PROXY


@pytest.mark.parametrize(
    ("hops", "forwarded", "client"),
    [
        (1, "203.0.113.5", "203.0.113.5"),  # the proxy's own entry
        (1, "6.6.6.6, 203.0.113.5", "203.0.113.5"),  # a spoofed entry to its left
        (1, "6.6.6.6,7.7.7.7 , 203.0.113.5", "203.0.113.5"),
        (2, "6.6.6.6, 203.0.113.5, 10.0.0.2", "203.0.113.5"),  # two proxies
        (1, "2001:db8::5", "2001:db8::5"),
    ],
)
def test_the_client_is_counted_from_the_right(settings, hops, forwarded, client):
    settings.NUANJIA_TRUSTED_PROXIES = hops
    assert client_ip(request_from(forwarded)) == client


@pytest.mark.parametrize(
    "forwarded", [None, "", "203.0.113.5", "1.2.3.4, not-an-address, 10.0.0.2"]
)
def test_a_chain_too_short_or_malformed_falls_back_to_the_peer(settings, forwarded):
    settings.NUANJIA_TRUSTED_PROXIES = 2
    assert client_ip(request_from(forwarded, remote="198.51.100.9")) == "198.51.100.9"


@pytest.mark.parametrize(
    ("remote", "client"),
    [
        (PROXY, "203.0.113.5"),  # the proxy itself
        ("10.0.0.77", "203.0.113.5"),  # inside a trusted network
        ("198.51.100.9", "198.51.100.9"),  # a direct request with a forged header
    ],
)
def test_the_header_is_read_only_from_a_trusted_proxy_address(settings, remote, client):
    settings.NUANJIA_TRUSTED_PROXIES = 1
    settings.NUANJIA_TRUSTED_PROXY_ADDRESSES = [PROXY, "10.0.0.64/26"]
    assert client_ip(request_from("203.0.113.5", remote=remote)) == client
