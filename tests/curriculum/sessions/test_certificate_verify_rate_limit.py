"""The public certificate verification page is rate limited per address: someone checking certificates never
meets the limit; looking codes up by the dozen is refused with a translated 429."""

from __future__ import annotations

import datetime

from django.test import Client

from curriculum import certificates
from curriculum.models import ApplicationStatus, Certificate, CertificateKind, SessionApplication

LOOKUPS_PER_ADDRESS = 30  # ACCOUNT_RATE_LIMITS["certificate_verify"]: 30 a minute per address


def a_certificate(session, make_trainee) -> Certificate:
    application = SessionApplication.objects.create(
        session=session, trainee=make_trainee(), status=ApplicationStatus.APPROVED, motivation="I work on this."
    )
    return Certificate.objects.create(
        application=application,
        kind=CertificateKind.COMPLETION,
        language="en",
        holder_name="Ann Smith",
        module_title="Labour migration governance",
        start_date=datetime.date(2026, 11, 2),
        end_date=datetime.date(2026, 11, 6),
        place="Baku",
    )


def test_an_employer_checking_certificates_again_and_again_is_never_refused(client, session, make_trainee):
    codes = [a_certificate(session, make_trainee).code for _holder in range(3)]
    statuses = []
    for _round in range(3):
        for code in codes:
            # as typed from paper, in lower case with the printed hyphens
            statuses.append(client.get(f"/en/certificates/verify/{certificates.printed_code(code).lower()}/").status_code)
    statuses.append(client.get("/en/certificates/verify/ABCDEFGHJKMNPQRSTUVW/").status_code)  # a typo

    assert statuses == [200] * 9 + [404]


def test_the_thirty_first_lookup_in_a_minute_from_one_address_is_refused_in_azerbaijani(client, session, make_trainee):
    certificate = a_certificate(session, make_trainee)
    for attempt in range(LOOKUPS_PER_ADDRESS):
        assert client.get(f"/az/certificates/verify/GUESS{attempt:015d}/").status_code == 404

    response = client.get(f"/az/certificates/verify/{certificate.code}/")

    assert response.status_code == 429
    page = response.content.decode()
    assert '<html lang="az">' in page
    assert "Həddən artıq çox sorğu" in page
    assert "Ann Smith" not in page
    # another address verifies the same certificate
    assert Client(REMOTE_ADDR="198.51.100.23").get(f"/az/certificates/verify/{certificate.code}/").status_code == 200
