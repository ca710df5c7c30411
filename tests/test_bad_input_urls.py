"""Every URL pattern the project owns, fed bad input in each path parameter and in the query string: never a 5xx.

Bad input: a NUL byte (PostgreSQL refuses it in text, so run this file once on PostgreSQL: SQLite stores it and hides the
500), bytes that are not UTF-8, control characters, 10,000 characters, and a number too big for any integer column.
The patterns come from Django's resolver (as in tests/test_url_access.py): every pattern outside Wagtail's own admin, and
the admin pages of our own apps. A parameter is replaced by each bad value in turn, the others by a plausible value.
Each request runs in a savepoint rolled back afterwards, so a database error in one cannot hide or cause another.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass

import pytest
from django.db import transaction
from django.test import Client

from tests.test_url_access import PREFIX_RULES, URL_TABLE, _placeholders, _resolved_route, build_samples, project_url_patterns

# Percent-encoded as they travel in a URL; the server decodes them before Django reads the path or the query.
PATH_VALUES = {
    "NUL": "%00",
    "NUL inside text": "abc%00def",
    "invalid UTF-8 (%FF)": "%FF",
    "invalid UTF-8 (%C3%28)": "%C3%28",
    "control characters": "%01%08%1B%1F",
    "over-long": "a" * 10_000,
    "integer overflow": "9" * 25,
}
QUERY_VALUES = {
    name: PATH_VALUES[name] for name in ("NUL", "invalid UTF-8 (%FF)", "invalid UTF-8 (%C3%28)", "control characters", "over-long")
}
# Every name a view of ours reads from the query string (filters, search, paging, downloads, redirects).
QUERY_NAMES = ("q", "page", "next", "format", "show", "day", "table", "module", "session", "status", "language", "country", "chapter")
# Wagtail's admin is Wagtail's; these parts of it are ours (our views, viewsets and forms).
OWN_ADMIN_PREFIXES = (
    "admin/login/",
    "admin/password_reset/",
    "admin/organisations/",
    "admin/email-log/",
    "admin/users/",
    "admin/sessions/",
    "admin/surveys/",
    "admin/matrix/",
    "admin/reports/",
    "admin/roster/",
)
ROLES = ("anonymous", "coordinator")
_ROUTE_PARAMETER = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")
_PLAUSIBLE = {"int": "1", "str": "x1", "slug": "x1", "path": "x1", "uuid": str(uuid.UUID(int=1))}


@dataclass(frozen=True)
class Parameter:
    """One parameter of a route: where it sits in the route string, and a value its pattern accepts."""

    start: int
    end: int
    plausible: str


def _group_end(route: str, start: int) -> int:
    """The index after the ")" that closes the "(" at `start` (escapes and character classes skipped)."""
    depth, index, in_class = 0, start, False
    while index < len(route):
        char = route[index]
        if char == "\\":
            index += 2
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                return index + 1
        index += 1
    raise ValueError(f"unbalanced group in {route!r}")


def _regex_plausible(group: str) -> str:
    body = re.sub(r"^\((\?P<\w+>)?", "(", group)
    for candidate in ("1", "x1", "x1/", ""):
        if re.fullmatch(body, candidate):
            return candidate
    raise ValueError(f"no plausible value for {group!r}")


def parameters(route: str) -> list[Parameter]:
    """The parameters of a route string: Django's <converter:name> and regular-expression groups."""
    found, index = [], 0
    while index < len(route):
        if route[index] == "\\":
            index += 2
            continue
        if route.startswith("<lang>", index):
            index += len("<lang>")
            continue
        match = _ROUTE_PARAMETER.match(route, index)
        if match:
            found.append(Parameter(index, match.end(), _PLAUSIBLE[match["converter"] or "str"]))
            index = match.end()
        elif route[index] == "(":
            end = _group_end(route, index)
            found.append(Parameter(index, end, _regex_plausible(route[index:end])))
            index = end
        else:
            index += 1
    return found


def _literal(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text).replace("<lang>", "en").replace("^", "").replace("$", "")


def url_for(route: str, values: dict[int, str] | None = None) -> str:
    """The route as a URL: each parameter its plausible value, or the value given for its index."""
    values = values or {}
    pieces, position = [], 0
    for number, parameter in enumerate(parameters(route)):
        pieces.append(_literal(route[position : parameter.start]))
        pieces.append(values.get(number, parameter.plausible))
        position = parameter.end
    pieces.append(_literal(route[position:]))
    return "/" + "".join(pieces)


def owned_patterns() -> list[str]:
    return [route for route in project_url_patterns() if not route.startswith("admin/") or route.startswith(OWN_ADMIN_PREFIXES)]


def _owned(url: str) -> bool:
    path = url.split("?", 1)[0].lstrip("/")
    return not path.startswith("admin/") or path.startswith(OWN_ADMIN_PREFIXES)


def query_targets() -> list[str]:
    """Pages whose query string is fuzzed: every owned pattern without parameters, and the access table's own sample
    pages (real sessions, rounds, certificates...), so the views that read the query string are reached."""
    samples = [
        sample.url.split("?", 1)[0]
        for entries in (*URL_TABLE.values(), *PREFIX_RULES.values())
        for sample in entries
        if sample.method == "get" and _owned(sample.url)
    ]
    return list(dict.fromkeys([*(url_for(route) for route in owned_patterns() if not parameters(route)), *samples]))


def _sample_values() -> dict[str, object]:
    """The objects the access table's sample URLs need, made for people of their own (the role fixtures hold the
    usual addresses)."""
    from tests.factories.experts import ExpertProfileFactory
    from tests.factories.people import UserFactory

    users = {
        role: UserFactory(role=role, email=f"fuzz-{role}@example.org") for role in ("trainee", "trainer", "coordinator", "administrator")
    }
    users["expert"] = ExpertProfileFactory(user__email="fuzz-expert@example.org").user
    return build_samples(users)


def _client(role: str, request: pytest.FixtureRequest) -> Client:
    client = Client(raise_request_exception=False)
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    return client


def _status(client: Client, url: str) -> int:
    """GET the URL inside a savepoint, rolled back after: what the request wrote, or broke, goes with it."""
    savepoint = transaction.savepoint()
    try:
        return client.get(url).status_code
    finally:
        transaction.savepoint_rollback(savepoint)


def test_every_owned_pattern_is_fuzzed_and_its_plausible_url_reaches_it():
    patterns = owned_patterns()
    resolved = {route: _resolved_route(url_for(route)) for route in patterns}
    # a pattern shadowed by a broader one before it (Wagtail's password reset behind our redirect) is reached through it
    wrong = [f"{url_for(route)} resolves to {found!r}, not {route!r}" for route, found in resolved.items() if not route.startswith(found)]

    assert len(patterns) > 60
    assert "<lang>/certificates/verify/<str:code>/" in patterns and "admin/roster/import/" in patterns
    assert not wrong, "\n".join(wrong)


# The two walks take minutes: they run where the faults they look for live, on PostgreSQL (which refuses NUL
# in text; SQLite stores it and hides the 500s), in the PostgreSQL stage.
@pytest.mark.postgres
@pytest.mark.parametrize("role", ROLES)
def test_no_path_parameter_of_any_pattern_answers_bad_input_with_a_server_error(site, role, request):
    client = _client(role, request)
    failures = []
    for route in owned_patterns():
        for number in range(len(parameters(route))):
            for label, value in PATH_VALUES.items():
                url = url_for(route, {number: value})
                status = _status(client, url)
                if status >= 500:
                    failures.append(f"{status} {route} parameter {number + 1} = {label}: {url[:120]}")

    assert not failures, f"{len(failures)} server errors as {role}:\n  " + "\n  ".join(failures)


@pytest.mark.postgres
@pytest.mark.parametrize("role", ROLES)
def test_no_page_answers_bad_input_in_its_query_string_with_a_server_error(site, role, request):
    client = _client(role, request)
    built = _sample_values()
    failures = []
    for target in query_targets():
        base = target.format(**{name: built[name] for name in _placeholders(target)})
        for label, value in QUERY_VALUES.items():
            query = "&".join(f"{name}={value}" for name in QUERY_NAMES) + f"&{value}=1"
            status = _status(client, f"{base}?{query}")
            if status >= 500:
                failures.append(f"{status} {base} query = {label}")

    assert not failures, f"{len(failures)} server errors as {role}:\n  " + "\n  ".join(failures)


@pytest.mark.parametrize("url", ["/en/", "/en/certificates/verify/NOTACODE/", "/en/experts/apply/", "/admin/", "/health/"])
def test_trace_is_not_allowed(db, client, url):
    response = client.generic("TRACE", url)

    assert response.status_code == 405
    assert "TRACE" not in response["Allow"] and "GET" in response["Allow"]


@pytest.mark.parametrize("method", ["TRACK", "CONNECT", "PROPFIND", "FOO"])
def test_a_method_the_platform_does_not_serve_is_not_allowed(db, client, method):
    response = client.generic(method, "/en/")

    assert response.status_code == 405
