"""Every form we own, posted with bad input in each field: a 4xx or the form's errors, never a 5xx, nothing stored.

Bad input: a NUL byte (run this file once on PostgreSQL too: SQLite stores it, PostgreSQL fails with a 500), bytes that
are not UTF-8 (Django would decode them to U+FFFD and store that), control characters, and 10,000 characters. The
bodies are encoded by hand, as a browser or a script would send them, so that bytes which are not UTF-8 reach the
server. Each form's valid payload is posted first and must be accepted, so a refusal is the bad value's doing. Every
request runs in a savepoint that is rolled back after the database has been searched for NUL, controls and U+FFFD.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote_from_bytes

import pytest
from django.apps import apps
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, models, transaction
from django.db.models.functions import Cast
from django.test import Client

from tests.conftest import PASSWORD
from tests.experts.test_application import application
from tests.people.test_signup import _signup_data

BAD_VALUES: dict[str, bytes] = {
    "NUL": b"\x00",
    "NUL inside text": b"Leyla\x00",
    "invalid UTF-8 (FF)": b"\xff",
    "invalid UTF-8 (C3 28)": b"Bak\xc3\x28",
    "control characters": b"a\x01\x08\x1b",
    "over-long": b"a" * 10_000,
}
REFUSED_OUTRIGHT = {label for label in BAD_VALUES if label != "over-long"}
OUR_APPS = ("people", "home", "curriculum", "assessments", "experts", "account")
CSV = "text/csv"

Payload = dict[str, list[str] | str | SimpleUploadedFile]


def _bytes(value: str | bytes) -> bytes:
    return value if isinstance(value, bytes) else str(value).encode()


def urlencoded(data: dict[str, list[bytes]]) -> bytes:
    return "&".join(
        f"{quote_from_bytes(_bytes(name))}={quote_from_bytes(value)}" for name, values in data.items() for value in values
    ).encode()


def multipart(data: dict[str, list[bytes]], files: dict[str, tuple[bytes, bytes, str]]) -> tuple[bytes, str]:
    """A multipart/form-data body, byte for byte: field values and file names go as they are, whatever their encoding."""
    boundary = uuid.uuid4().hex.encode()
    parts = []
    for name, values in data.items():
        for value in values:
            parts.append(b'Content-Disposition: form-data; name="' + _bytes(name) + b'"\r\n\r\n' + value)
    for name, (filename, content, content_type) in files.items():
        parts.append(
            b'Content-Disposition: form-data; name="'
            + _bytes(name)
            + b'"; filename="'
            + filename
            + b'"\r\nContent-Type: '
            + content_type.encode()
            + b"\r\n\r\n"
            + content
        )
    body = b"".join(b"--" + boundary + b"\r\n" + part + b"\r\n" for part in parts) + b"--" + boundary + b"--\r\n"
    return body, f"multipart/form-data; boundary={boundary.decode()}"


def bad_text_stored() -> list[str]:
    """Every text column of our apps' rows that holds a NUL, another control character (tab and line breaks aside) or U+FFFD."""
    nul = "" if connection.vendor == "postgresql" else r"\x00"  # PostgreSQL cannot hold a NUL: storing one failed already
    pattern = rf"[{nul}\x01-\x08\x0b\x0c\x0e-\x1f\ufffd]"
    json_pattern = r"\ufffd|\\u(fffd|FFFD|000[0-8bcefBCEF]|001[0-9a-fA-F])"
    found = []
    for model in apps.get_models():
        if model._meta.app_label not in OUR_APPS or model._meta.proxy:
            continue
        for model_field in model._meta.concrete_fields:
            if isinstance(model_field, models.CharField | models.TextField):
                rows = model._default_manager.filter(**{f"{model_field.name}__regex": pattern})
            elif isinstance(model_field, models.JSONField):
                rows = model._default_manager.annotate(_text=Cast(model_field.name, models.TextField())).filter(_text__regex=json_pattern)
            else:
                continue
            if rows.exists():
                found.append(f"{model._meta.label}.{model_field.name}")
    return found


@dataclass
class FormCase:
    """A form of ours: where it posts, as whom, its valid payload, and the fields to spoil one at a time."""

    name: str
    role: str
    url: Callable[[], str]
    payload: Callable[[], Payload]
    fields: tuple[str, ...] = ()
    accepted: tuple[int, ...] = (302,)


def _encode(payload: Payload) -> tuple[bytes, str]:
    data: dict[str, list[bytes]] = {}
    files: dict[str, tuple[bytes, bytes, str]] = {}
    for name, value in payload.items():
        if isinstance(value, SimpleUploadedFile):
            files[name] = (value.name.encode(), value.read(), value.content_type)
        else:
            data[name] = [_bytes(item) for item in (value if isinstance(value, list) else [value])]
    if files:
        return multipart(data, files)
    return urlencoded(data), "application/x-www-form-urlencoded"


def _post(client: Client, url: str, payload: Payload) -> tuple[int, bool, list[str]]:
    """POST in a savepoint: the status, whether the page shows form errors, and the bad text stored; then roll back."""
    cache.clear()  # sign-up and login rate limits would otherwise answer 429 to every later try
    body, content_type = _encode(payload)
    savepoint = transaction.savepoint()
    try:
        response = client.generic("POST", url, body, content_type=content_type)
        content = response.content.decode(errors="replace") if response.status_code == 200 else ""
        return response.status_code, "error" in content, bad_text_stored()
    finally:
        transaction.savepoint_rollback(savepoint)


def _spoiled(payload: Payload, name: str, value: bytes) -> Payload:
    spoiled = dict(payload)
    spoiled[name] = value  # type: ignore[assignment]
    return spoiled


def _fuzz(case: FormCase, client: Client) -> list[str]:
    url = case.url()
    status, _errors, stored = _post(client, url, case.payload())
    assert status in case.accepted and not stored, f"{case.name}: the valid payload got {status} (stored: {stored})"
    failures = []
    for name in case.fields or tuple(key for key, value in case.payload().items() if not isinstance(value, SimpleUploadedFile)):
        for label, value in BAD_VALUES.items():
            status, errors, stored = _post(client, url, _spoiled(case.payload(), name, value))
            refused = 400 <= status < 500 or (status == 200 and errors)
            if status >= 500 or stored or (label in REFUSED_OUTRIGHT and not refused):
                failures.append(f"{case.name}: {name} = {label} -> {status}, stored in {stored or 'nothing'}")
    return failures


# --- The forms --------------------------------------------------------------------------------------


def _session() -> object:
    """An open session of a module of its own (the access table's builder makes the same kind of module)."""
    from curriculum.models import ModulePage
    from tests.factories.curriculum import TrainingSessionFactory
    from tests.test_url_access import _module

    module = ModulePage.objects.filter(code="URL1").first() or _module()
    return TrainingSessionFactory(module=module, status="open")


def _session_id() -> int:
    return _session().pk


def _signup_case() -> FormCase:
    return FormCase("sign-up", "anonymous", lambda: "/en/accounts/signup/", lambda: _signup_data())


def _login_case() -> FormCase:
    return FormCase("login", "anonymous", lambda: "/en/accounts/login/", lambda: {"login": "trainee@example.org", "password": PASSWORD})


def _expert_application_case() -> FormCase:
    return FormCase("expert application", "anonymous", lambda: "/en/experts/apply/", lambda: application())


def _session_application_case() -> FormCase:
    session_id = _session_id()
    payload = {"motivation": "To learn how to run labour migration programmes.", "organisation_confirmed": "on", "position_confirmed": "on"}
    return FormCase("session application", "trainee", lambda: f"/en/sessions/{session_id}/apply/", lambda: dict(payload))


def _certificate_revoke_case() -> FormCase:
    from curriculum.models import SessionApplication
    from people.models import User
    from tests.test_url_access import _certificate

    trainee = User.objects.get(email="trainee@example.org")
    code = _certificate(SessionApplication.objects.create(session=_session(), trainee=trainee, motivation="-"), revoked=False)
    return FormCase(
        "certificate revocation", "coordinator", lambda: f"/en/certificates/{code}/revoke/", lambda: {"reason": "Issued by mistake."}
    )


def _survey_round():
    from tests.factories.assessments import RoundFactory, sample_instrument

    survey_round = RoundFactory()
    survey_round.instruments.add(sample_instrument())
    return survey_round


def _respondent_paste_case() -> FormCase:
    from people.models import Country

    survey_round = _survey_round()
    survey_round.countries.add(Country.objects.get(iso_code="AZ"))
    code = survey_round.instruments.get().code
    line = f"Agency A; a@example.org; AZ; government; az; {code}"
    url = f"/admin/surveys/rounds/{survey_round.pk}/respondents/"
    return FormCase("round respondents (pasted)", "coordinator", lambda: url, lambda: {"many-lines": line})


def _survey_answer_cases() -> list[FormCase]:
    from tests.factories.assessments import RespondentFactory

    survey_round = _survey_round()
    instrument = survey_round.instruments.get()
    fields = {question.code: question.field_name for question in instrument.questions.all()}

    def answers() -> Payload:
        grid = fields["grid"]
        return {
            fields["single"]: ["b"],
            fields["multiple"]: ["a", "c"],
            fields["likert"]: ["4"],
            f"{grid}-c1": ["4"],
            f"{grid}-c2": ["na"],
            fields["number"]: ["12,5"],
            fields["short"]: ["Bakı"],
            fields["long"]: ["Длинный ответ"],
            fields["knowledge"]: ["b"],
            fields["knowledge_multi"]: ["a", "c"],
        }

    def link() -> str:
        # a fresh link for every post: a submitted questionnaire cannot be submitted again
        return f"/ru/surveys/link/{RespondentFactory(round=survey_round, instrument=instrument).token}/"

    return [
        FormCase("survey answer (submit)", "anonymous", link, lambda: {**answers(), "action": "submit"}),
        FormCase("survey answer (save a draft)", "anonymous", link, lambda: {**answers(), "action": "save"}),
    ]


FORM_CASES: dict[str, Callable[[], list[FormCase]]] = {
    "sign-up": lambda: [_signup_case()],
    "login": lambda: [_login_case()],
    "expert application": lambda: [_expert_application_case()],
    "session application": lambda: [_session_application_case()],
    "certificate revocation": lambda: [_certificate_revoke_case()],
    "round respondents": lambda: [_respondent_paste_case()],
    "survey answer": _survey_answer_cases,
}


@pytest.fixture
def signed_in(request: pytest.FixtureRequest) -> Callable[[str], Client]:
    def client_for(role: str) -> Client:
        client = Client(raise_request_exception=False)
        if role != "anonymous":
            client.force_login(request.getfixturevalue(role))
        return client

    return client_for


@pytest.mark.parametrize("form", list(FORM_CASES))
def test_each_field_of_the_form_refuses_bad_input_without_a_server_error_or_storing_it(site, signed_in, form, request):
    request.getfixturevalue("trainee")  # the account the login form signs in to
    failures = []
    for case in FORM_CASES[form]():
        failures += _fuzz(case, signed_in(case.role))

    assert not failures, f"{len(failures)} failures:\n  " + "\n  ".join(failures)


# --- The spreadsheet imports: bad bytes in a cell, and in the file's name ----------------------------

ROSTER_HEADER = "email,first_name,last_name,gender,nationality,chapters,languages,bio,status\n"
ROSTER_ROW = ["leyla@example.org", "Leyla", "Həsənova", "female", "Azerbaijani", "13:lead", "ru:native; az:native", "Researcher.", "vetted"]
ENROLMENT_HEADER = "email,first_name,last_name,gender,country,organisation,organisation_type,language\n"
ENROLMENT_ROW = ["aysel@example.org", "Aysel", "Quliyeva", "female", "AZ", "Dövlət Miqrasiya Xidməti", "government", "az"]


def _csv(header: str, cells: list[bytes]) -> bytes:
    return header.encode() + b",".join(b'"' + cell + b'"' for cell in cells) + b"\n"


def _import_failures(client: Client, url: str, header: str, row: list[str], name: str) -> list[str]:
    """Dry run then confirmation of each spoiled file: never a 5xx, never bad text stored."""
    good = [cell.encode() for cell in row]
    tries: list[tuple[str, bytes, bytes]] = [
        (f"column {column} = {label}", name.encode(), _csv(header, [*good[:column], value, *good[column + 1 :]]))
        for column in range(len(row))
        for label, value in BAD_VALUES.items()
    ]
    tries += [(f"file name = {label}", value + name.encode(), _csv(header, good)) for label, value in BAD_VALUES.items()]
    failures = []
    for description, filename, content in tries:
        savepoint = transaction.savepoint()
        try:
            body, content_type = multipart({}, {"file": (filename, content, CSV)})
            checked = client.generic("POST", url, body, content_type=content_type)
            confirmed = client.post(url, {"confirm": "1", "only_valid_rows": "yes"})
            stored = bad_text_stored()
        finally:
            transaction.savepoint_rollback(savepoint)
        if checked.status_code >= 500 or confirmed.status_code >= 500 or stored:
            failures.append(
                f"{description}: dry run {checked.status_code}, confirmation {confirmed.status_code}, stored in {stored or 'nothing'}"
            )
    return failures


def test_the_roster_import_refuses_bad_bytes_in_any_cell_or_file_name(site, signed_in):
    client = signed_in("coordinator")
    body, content_type = multipart({}, {"file": (b"roster.csv", _csv(ROSTER_HEADER, [cell.encode() for cell in ROSTER_ROW]), CSV)})
    assert client.generic("POST", "/admin/roster/import/", body, content_type=content_type).context["report"].is_clean

    failures = _import_failures(client, "/admin/roster/import/", ROSTER_HEADER, ROSTER_ROW, "roster.csv")

    assert not failures, f"{len(failures)} failures:\n  " + "\n  ".join(failures)


def test_the_session_enrolment_import_refuses_bad_bytes_in_any_cell_or_file_name(site, signed_in):
    client = signed_in("coordinator")
    url = f"/admin/sessions/{_session_id()}/enrol/"
    body, content_type = multipart(
        {}, {"file": (b"participants.csv", _csv(ENROLMENT_HEADER, [cell.encode() for cell in ENROLMENT_ROW]), CSV)}
    )
    assert client.generic("POST", url, body, content_type=content_type).context["report"].is_clean

    failures = _import_failures(client, url, ENROLMENT_HEADER, ENROLMENT_ROW, "participants.csv")

    assert not failures, f"{len(failures)} failures:\n  " + "\n  ".join(failures)
