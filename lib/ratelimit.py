"""One limiter for the whole site: allauth's, which the logins use, also guards the other public writes."""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from functools import wraps
from typing import Any

from allauth.core import ratelimit
from django.conf import settings
from django.http import HttpRequest, HttpResponse

View = Callable[..., HttpResponse]
KeyOf = Callable[..., str]


def peer_is_trusted_proxy(peer: str) -> bool:
    """Whether the address the request came from is one of FORWARDED_ALLOW_IPS, whose forwarded headers count."""
    try:
        address = ipaddress.ip_address(peer.strip())
    except ValueError:
        # no IP address: a UNIX socket, which only the proxy on the same host can reach (as gunicorn sees it too)
        return True
    return any(allowed == "*" or address in ipaddress.ip_network(allowed, strict=False) for allowed in settings.FORWARDED_ALLOW_IPS)


def rate_limited(action: str, *, key: KeyOf | None = None, limit_get: bool = False) -> Callable[[View], View]:
    """Answer 429 (the translated 429.html) before the view runs once the client, or the target `key` names, has
    used up the rates of ACCOUNT_RATE_LIMITS[action]; only writes count unless `limit_get`.

    `key(request, *args, **kwargs)` names the target for the rates counted per key; the view's arguments are
    passed to it. Refusing before the view means a refused request saves nothing, files included.
    """

    def decorate(view: View) -> View:
        @wraps(view)
        def limited(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            refused = ratelimit.consume_or_429(
                request, action=action, key=key(request, *args, **kwargs) if key else None, limit_get=limit_get
            )
            return refused if refused is not None else view(request, *args, **kwargs)

        return limited

    return decorate
