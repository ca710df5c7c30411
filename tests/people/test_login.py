"""Logging in and out, password reset and the failed-login lock, through allauth's real pages."""

import re

from allauth.account.models import EmailAddress
from django.core import mail

from tests.conftest import PASSWORD
from tests.factories.people import UserFactory

NEW_PASSWORD = "visa-facilitation-2026!"


def _log_in(client, email: str, password: str):
    return client.post("/en/accounts/login/", {"login": email, "password": password})


def _logged_in_user_id(client) -> int | None:
    value = client.session.get("_auth_user_id")
    return int(value) if value is not None else None


def test_user_logs_in_with_email_and_password_and_lands_on_the_home_page(client, trainee):
    response = _log_in(client, "trainee@example.org", PASSWORD)

    assert response.status_code == 302
    assert response["Location"] == "/en/"
    assert _logged_in_user_id(client) == trainee.pk


def test_login_email_is_not_case_sensitive(client, trainee):
    _log_in(client, "Trainee@Example.ORG", PASSWORD)

    assert _logged_in_user_id(client) == trainee.pk


def test_wrong_password_redisplays_the_form_with_an_error(client, trainee):
    response = _log_in(client, "trainee@example.org", "not-the-password")

    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert _logged_in_user_id(client) is None


def test_unverified_user_cannot_log_in_and_is_sent_to_verification(client, reference_data, django_capture_on_commit_callbacks):
    user = UserFactory(email="unverified@example.org", verified=False, role="trainee")
    EmailAddress.objects.create(user=user, email=user.email, verified=False, primary=True)

    with django_capture_on_commit_callbacks(execute=True):
        response = _log_in(client, "unverified@example.org", PASSWORD)

    assert response.status_code == 302
    assert response["Location"] == "/en/accounts/confirm-email/"
    assert _logged_in_user_id(client) is None
    assert [message.to for message in mail.outbox] == [["unverified@example.org"]]


def test_logout_by_post_ends_the_session(client, trainee):
    client.force_login(trainee)

    response = client.post("/en/accounts/logout/")

    assert response.status_code == 302
    assert _logged_in_user_id(client) is None


def test_opening_the_logout_page_asks_for_confirmation_and_keeps_the_session(client, trainee):
    client.force_login(trainee)

    response = client.get("/en/accounts/logout/")

    assert response.status_code == 200
    assert _logged_in_user_id(client) == trainee.pk


def test_password_reset_sends_a_link_that_sets_a_new_password(client, trainee, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        requested = client.post("/en/accounts/password/reset/", {"email": "trainee@example.org"})
    assert requested.status_code == 302
    assert requested["Location"] == "/en/accounts/password/reset/done/"
    assert [message.to for message in mail.outbox] == [["trainee@example.org"]]
    link = re.search(r"https?://[^/\s]+(/en/accounts/password/reset/key/[^/\s]+/)", mail.outbox[0].body)
    assert link, mail.outbox[0].body

    # allauth moves the key into the session and redirects to a key-less form URL
    opened = client.get(link.group(1))
    assert opened.status_code == 302
    form_path = opened["Location"]
    assert client.get(form_path).status_code == 200
    done = client.post(form_path, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    assert done.status_code == 302
    assert done["Location"] == "/en/accounts/password/reset/key/done/"
    trainee.refresh_from_db()
    assert trainee.check_password(NEW_PASSWORD)
    assert not trainee.check_password(PASSWORD)


def test_a_used_password_reset_link_does_not_work_twice(client, trainee, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/en/accounts/password/reset/", {"email": "trainee@example.org"})
    link = re.search(r"https?://[^/\s]+(/en/accounts/password/reset/key/[^/\s]+/)", mail.outbox[0].body).group(1)
    form_path = client.get(link)["Location"]
    client.post(form_path, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    again = client.get(link, follow=True)

    assert again.status_code == 200
    assert again.context["token_fail"] is True


def test_sixth_login_is_refused_after_five_wrong_passwords_even_with_the_right_password(client, trainee):
    for _attempt in range(5):
        assert _log_in(client, "trainee@example.org", "wrong-password").status_code == 200
        assert _logged_in_user_id(client) is None

    response = _log_in(client, "trainee@example.org", PASSWORD)

    assert response.status_code in {200, 429}
    if response.status_code == 200:
        assert "Too many failed login attempts" in " ".join(response.context["form"].non_field_errors())
    assert _logged_in_user_id(client) is None


def test_four_wrong_passwords_still_let_the_right_password_in(client, trainee):
    for _attempt in range(4):
        _log_in(client, "trainee@example.org", "wrong-password")

    _log_in(client, "trainee@example.org", PASSWORD)

    assert _logged_in_user_id(client) == trainee.pk


def test_the_failed_login_lock_is_per_account(client, trainee, trainer):
    for _attempt in range(5):
        _log_in(client, "trainee@example.org", "wrong-password")

    _log_in(client, "trainer@example.org", PASSWORD)

    assert _logged_in_user_id(client) == trainer.pk


def test_wagtails_own_login_pages_cannot_sign_in_an_unverified_user(client, reference_data):
    # Wagtail's admin and front-end login forms would skip e-mail verification and the failed-login lock.
    user = UserFactory(email="unverified.trainer@example.org", verified=False, role="trainer")
    EmailAddress.objects.create(user=user, email=user.email, verified=False, primary=True)

    for path, language in (("/admin/login/", "az"), ("/en/_util/login/", "en")):
        response = client.post(path, {"username": user.email, "password": PASSWORD})

        assert response.status_code == 302
        assert response["Location"].startswith(f"/{language}/accounts/login/")
        assert _logged_in_user_id(client) is None


def test_wagtails_admin_password_reset_goes_to_the_accounts_password_reset(client, trainer):
    response = client.post("/admin/password_reset/", {"email": "trainer@example.org"})

    assert response.status_code == 302
    assert response["Location"] == "/az/accounts/password/reset/"
    assert not mail.outbox


def test_setting_a_password_by_the_reset_link_verifies_an_unverified_address(client, reference_data, django_capture_on_commit_callbacks):
    from allauth.account.models import EmailAddress

    from tests.factories.people import UserFactory

    applicant = UserFactory(email="applicant@example.org", verified=False)
    applicant.set_unusable_password()
    applicant.save()
    EmailAddress.objects.create(user=applicant, email=applicant.email, verified=False, primary=True)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/en/accounts/password/reset/", {"email": applicant.email})
    link = re.search(r"https?://[^/\s]+(/en/accounts/password/reset/key/[^/\s]+/)", mail.outbox[0].body)
    form_path = client.get(link.group(1))["Location"]

    client.post(form_path, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    assert EmailAddress.objects.get(user=applicant).verified
    assert client.post("/en/accounts/login/", {"login": applicant.email, "password": NEW_PASSWORD}).status_code == 302
    assert client.get("/en/experts/me/").status_code == 200


def test_a_signed_in_trainee_opening_the_admin_gets_a_page_saying_so_not_a_redirect_loop(client, trainee):
    trainee.preferred_language = "ru"
    trainee.save()
    client.force_login(trainee)

    # the admin's addresses carry no language: the page speaks the account's, whatever the browser asks
    response = client.get("/admin/pages/", follow=True, headers={"accept-language": "en"})

    # /admin/pages/ -> /admin/login/?next=... -> 403, where allauth used to send the account back to `next`
    assert [url for url, _status in response.redirect_chain] == ["/admin/login/?next=/admin/pages/"]
    assert response.status_code == 403
    page = response.content.decode()
    assert "Нет доступа к рабочей области" in page
    assert "trainee@example.org" in page
    assert '<html lang="ru">' in page
    # the language links lead to each language's home, as this address has no other language
    assert 'href="/az/" lang="az"' in page and 'href="/en/" lang="en"' in page
    # Wagtail's own "no permission" message is not repeated on the next page
    assert "You do not have permission" not in page
    assert not list(response.context["messages"])
    assert "You do not have permission" not in client.get("/ru/").content.decode()
