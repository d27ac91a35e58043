"""Every write of the member portal: codes and devices, identity (binding, self-registration),
joining, messages; and the scan service. Each refuses with RuleViolation naming the field."""

from .codes import mobile_number, send_code, use_code
from .devices import (
    PRIVACY_NOTICE_VERSION,
    device_for_key,
    recently_checked,
    recheck,
    sign_in,
    sign_out,
    sign_out_everywhere,
)
from .identity import confirm_binding, county_of_residence, identify, refuse_binding
from .joining import accept_join, apply_to_join, refuse_join, withdraw_join
from .messages import mark_read, notify, unread_count
from .scanning import CardStatus, ScanResult, Use, register_use, scan, uses

__all__ = [
    "PRIVACY_NOTICE_VERSION",
    "CardStatus",
    "ScanResult",
    "Use",
    "accept_join",
    "apply_to_join",
    "confirm_binding",
    "county_of_residence",
    "device_for_key",
    "identify",
    "mark_read",
    "mobile_number",
    "notify",
    "recently_checked",
    "recheck",
    "refuse_binding",
    "refuse_join",
    "register_use",
    "scan",
    "send_code",
    "sign_in",
    "sign_out",
    "sign_out_everywhere",
    "unread_count",
    "use_code",
    "uses",
    "withdraw_join",
]
