"""Where an app may listen: loopback is private, anything else needs a login or a key."""

from __future__ import annotations

import ipaddress


def is_loopback(host: str) -> bool:
    """127.0.0.1, ::1 and localhost are loopback; names and other addresses are not."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
