"""What an operator watches besides the request ids (`core.request_id`): business gauges for
Prometheus.

- Gauges are registered by the apps that own the figures (`register_gauge` in
  AppConfig.ready: the hotline's overdue tickets, the task queue, running imports …) and
  computed from the database when Prometheus scrapes, so every server process answers the same.
- Metrics are read from loopback, or with `Authorization: Bearer $NUANJIA_METRICS_TOKEN`.
"""

from __future__ import annotations

import hmac
import ipaddress
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from .middleware import client_ip


@dataclass(frozen=True)
class Gauge:
    name: str  # without the nuanjia_ prefix
    documentation: str
    compute: Callable[[], float | dict[str, float]]  # one value, or one per label value
    label: str = ""  # the label's name when compute gives several


_gauges: dict[str, Gauge] = {}


def register_gauge(
    name: str,
    documentation: str,
    compute: Callable[[], float | dict[str, float]],
    *,
    label: str = "",
) -> None:
    """Add a business gauge, computed at each scrape (AppConfig.ready)."""
    _gauges[name] = Gauge(name, documentation, compute, label)


class _BusinessCollector(Collector):
    def collect(self) -> Iterator[GaugeMetricFamily]:
        for gauge in sorted(_gauges.values(), key=lambda one: one.name):
            value = gauge.compute()
            if isinstance(value, dict):
                family = GaugeMetricFamily(
                    f"nuanjia_{gauge.name}", gauge.documentation, labels=[gauge.label]
                )
                for key, number in sorted(value.items()):
                    family.add_metric([key], number)
            else:
                family = GaugeMetricFamily(f"nuanjia_{gauge.name}", gauge.documentation, value)
            yield family


def metrics_text() -> bytes:
    """The Prometheus text exposition of every registered gauge."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(_BusinessCollector())
    return generate_latest(registry)


def may_read_metrics(request: HttpRequest) -> bool:
    """From the machine itself (the client's address, proxies counted), or with the token."""
    token = str(getattr(settings, "NUANJIA_METRICS_TOKEN", "") or "")
    sent = request.META.get("HTTP_AUTHORIZATION", "")
    if token and hmac.compare_digest(sent.encode(), f"Bearer {token}".encode()):
        return True
    address = client_ip(request)
    try:
        return address is not None and ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False
