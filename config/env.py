"""Typed readers of environment variables that fail loudly on bad values."""

from __future__ import annotations

import ipaddress
import os
from email.utils import getaddresses

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    """Return the variable as a stripped string, or the default when unset."""
    return os.environ.get(name, default).strip()


def env_bool(name: str, default: bool = False) -> bool:
    """Return the variable as a boolean; anything but a clear yes/no is an error."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}.")


def env_int(name: str, default: int) -> int:
    """Return the variable as an integer."""
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}.") from exc


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    """Return a comma-separated variable as a list of non-empty items."""
    raw = os.environ.get(name)
    if raw is None:
        return list(default or [])
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_url(name: str, schemes: tuple[str, ...], default: str = "") -> str:
    """Return a URL variable after checking that its scheme is one we can use."""
    value = env_str(name, default)
    if value and value.split("://", 1)[0] not in schemes:
        allowed = ", ".join(f"{s}://" for s in schemes)
        raise ImproperlyConfigured(f"{name} must start with one of {allowed}; got {value.split('://', 1)[0]}://.")
    return value


def env_networks(name: str, default: list[str]) -> list[str]:
    """Return a comma-separated list of IP addresses or networks (or "*" for any), each checked."""
    items = env_list(name, default)
    for item in items:
        if item == "*":
            continue
        try:
            ipaddress.ip_network(item, strict=False)
        except ValueError as exc:
            raise ImproperlyConfigured(f"{name} must list IP addresses or networks (or *), not {item!r}.") from exc
    return items


def env_addresses(name: str) -> list[tuple[str, str]]:
    """Return a comma-separated list of e-mail addresses ("Name <address>" or "address") as (name, address) pairs."""
    raw = env_str(name)
    if not raw:
        return []
    pairs = getaddresses([raw])
    if not pairs or any("@" not in address for _name, address in pairs):
        raise ImproperlyConfigured(f"{name} must be e-mail addresses separated by commas, such as 'Ops <ops@example.org>'.")
    return [(display or address, address) for display, address in pairs]
