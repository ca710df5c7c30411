"""Who the client is for the login rate limits: behind the configured proxy each visitor counts apart, and a
forwarded address is believed only from the proxy, never from the visitor."""

from __future__ import annotations

import runpy
from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client

from config.settings import base as base_settings
from tests.conftest import PASSWORD

# The variables the operator sets, and the settings they become; nothing else of the environment matters here.
PROXY_VARIABLES = ("TRUSTED_PROXY_COUNT", "TRUSTED_CLIENT_IP_HEADER", "FORWARDED_ALLOW_IPS")
PROXY_SETTINGS = ("ALLAUTH_TRUSTED_PROXY_COUNT", "ALLAUTH_TRUSTED_CLIENT_IP_HEADER", "FORWARDED_ALLOW_IPS")
FAILED_LOGINS_PER_ADDRESS = 20  # LOGIN_FAILED_RATE_LIMIT's default: 20 a minute per address


def settings_from(monkeypatch: pytest.MonkeyPatch, variables: dict[str, str]) -> dict[str, object]:
    """What config/settings/base.py makes of an environment holding these proxy variables (and none of the others)."""
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(Path(base_settings.__file__)))


@pytest.fixture
def configured(monkeypatch: pytest.MonkeyPatch, settings) -> Callable[..., None]:
    """Run the site as an operator configures it through the environment (platform/env.example)."""

    def configure(**variables: str) -> None:
        values = settings_from(monkeypatch, variables)
        for name in PROXY_SETTINGS:
            if name in values:
                setattr(settings, name, values[name])

    return configure


def log_in(client: Client, email: str, password: str, **headers: str):
    return client.post("/en/accounts/login/", {"login": email, "password": password}, headers=headers)


def signed_in(client: Client) -> bool:
    return client.session.get("_auth_user_id") is not None


def refused_for_too_many_attempts(response) -> bool:
    return response.status_code == 200 and "Too many failed login attempts" in " ".join(response.context["form"].non_field_errors())


@pytest.mark.parametrize(
    ("variables", "header", "client_a", "client_b"),
    [
        # nginx: proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for (it appends the address it saw)
        ({"TRUSTED_PROXY_COUNT": "1"}, "x-forwarded-for", "10.9.8.7, 203.0.113.7", "198.51.100.23"),
        # nginx: proxy_set_header X-Real-IP $remote_addr
        ({"TRUSTED_CLIENT_IP_HEADER": "X-Real-IP"}, "x-real-ip", "203.0.113.7", "198.51.100.23"),
    ],
    ids=["x-forwarded-for", "x-real-ip"],
)
def test_behind_the_configured_proxy_one_clients_failed_logins_do_not_lock_out_another(
    configured, client, coordinator, trainee, variables, header, client_a, client_b
):
    configured(**variables)
    # Every request comes from the proxy on the same host (the test client's 127.0.0.1), as in platform/README.md.
    for attempt in range(FAILED_LOGINS_PER_ADDRESS):
        log_in(client, f"guess{attempt}@example.org", "wrong-password", **{header: client_a})

    # client A has used up its failures: even a right password is refused from there
    assert refused_for_too_many_attempts(log_in(client, "trainee@example.org", PASSWORD, **{header: client_a}))
    assert not signed_in(client)
    # client B, another visitor behind the same proxy, signs in
    other = Client()
    response = log_in(other, "coordinator@example.org", PASSWORD, **{header: client_b})
    assert response.status_code == 302
    assert signed_in(other)


def test_without_the_setting_a_forged_x_forwarded_for_is_ignored(configured, client, trainee):
    configured()  # no proxy configured: the address the request came from is the client's
    for attempt in range(FAILED_LOGINS_PER_ADDRESS):
        log_in(client, f"guess{attempt}@example.org", "wrong-password", x_forwarded_for=f"203.0.113.{attempt}")

    response = log_in(client, "trainee@example.org", PASSWORD, x_forwarded_for="198.51.100.99")

    assert refused_for_too_many_attempts(response)
    assert not signed_in(client)


def test_with_the_setting_a_client_reaching_the_app_without_the_proxy_cannot_forge_its_address(configured, trainee):
    configured(TRUSTED_PROXY_COUNT="1")
    # straight to gunicorn (HOST=0.0.0.0), not through the proxy on 127.0.0.1: its X-Forwarded-For is its own invention
    attacker = Client(REMOTE_ADDR="192.0.2.50")
    for attempt in range(FAILED_LOGINS_PER_ADDRESS):
        log_in(attacker, f"guess{attempt}@example.org", "wrong-password", x_forwarded_for=f"203.0.113.{attempt}")

    response = log_in(attacker, "trainee@example.org", PASSWORD, x_forwarded_for="198.51.100.99")

    assert refused_for_too_many_attempts(response)
    assert not signed_in(attacker)


def test_a_proxy_listed_in_forwarded_allow_ips_is_believed(configured, trainee):
    # the proxy in its own container, at 172.18.0.2, named by the operator
    configured(TRUSTED_PROXY_COUNT="1", FORWARDED_ALLOW_IPS="172.18.0.0/16")
    proxy = Client(REMOTE_ADDR="172.18.0.2")
    for attempt in range(FAILED_LOGINS_PER_ADDRESS):
        log_in(proxy, f"guess{attempt}@example.org", "wrong-password", x_forwarded_for="203.0.113.7")

    log_in(proxy, "trainee@example.org", PASSWORD, x_forwarded_for="198.51.100.23")

    assert signed_in(proxy)


def test_behind_the_proxy_the_per_account_lock_still_holds_whatever_address_the_guesses_come_from(configured, client, trainee):
    configured(TRUSTED_PROXY_COUNT="1")
    for attempt in range(5):
        log_in(client, "trainee@example.org", "wrong-password", x_forwarded_for=f"203.0.113.{attempt}")

    response = log_in(client, "trainee@example.org", PASSWORD, x_forwarded_for="198.51.100.23")

    assert refused_for_too_many_attempts(response)
    assert not signed_in(client)


def test_without_any_proxy_variable_no_forwarded_header_is_trusted(monkeypatch):
    values = settings_from(monkeypatch, {})

    assert values["ALLAUTH_TRUSTED_PROXY_COUNT"] == 0
    assert values["ALLAUTH_TRUSTED_CLIENT_IP_HEADER"] is None
    assert values["FORWARDED_ALLOW_IPS"] == ["127.0.0.1", "::1"]


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        ({"TRUSTED_PROXY_COUNT": "-1"}, "TRUSTED_PROXY_COUNT must be 0"),
        ({"TRUSTED_PROXY_COUNT": "one"}, "TRUSTED_PROXY_COUNT must be a whole number"),
        ({"TRUSTED_CLIENT_IP_HEADER": "X Real IP"}, "TRUSTED_CLIENT_IP_HEADER must be a header name"),
        ({"FORWARDED_ALLOW_IPS": "127.0.0.1,proxy.internal"}, "FORWARDED_ALLOW_IPS must list IP addresses"),
    ],
    ids=["negative count", "count not a number", "header with spaces", "host name instead of an address"],
)
def test_a_wrong_proxy_variable_stops_the_settings_with_a_message_naming_it(monkeypatch, variables, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        settings_from(monkeypatch, variables)
