"""Which peers may tell the client's address: the proxies of FORWARDED_ALLOW_IPS, as gunicorn reads the same list."""

from __future__ import annotations

import pytest

from lib.ratelimit import peer_is_trusted_proxy


@pytest.mark.parametrize("peer", ["127.0.0.1", "::1", ""], ids=["loopback", "loopback IPv6", "UNIX socket"])
def test_by_default_only_the_proxy_on_the_same_host_is_trusted(peer):
    assert peer_is_trusted_proxy(peer)


@pytest.mark.parametrize("peer", ["192.0.2.50", "10.0.0.1", "2001:db8::1"])
def test_by_default_a_peer_on_the_network_is_not_trusted(peer):
    assert not peer_is_trusted_proxy(peer)


def test_a_proxy_network_named_in_forwarded_allow_ips_is_trusted_and_nothing_outside_it(settings):
    settings.FORWARDED_ALLOW_IPS = ["172.18.0.0/16"]

    assert peer_is_trusted_proxy("172.18.0.2")
    assert not peer_is_trusted_proxy("172.19.0.2")
    assert not peer_is_trusted_proxy("127.0.0.1")


def test_a_star_in_forwarded_allow_ips_trusts_every_peer(settings):
    settings.FORWARDED_ALLOW_IPS = ["*"]

    assert peer_is_trusted_proxy("192.0.2.50")
