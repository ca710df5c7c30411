"""Receivers of allauth's signals: a password reset by an e-mailed link proves the address."""

from __future__ import annotations

from typing import Any

from allauth.account.models import EmailAddress
from allauth.account.signals import password_reset
from django.dispatch import receiver

from people.models import User


@receiver(password_reset, dispatch_uid="people_password_reset_verifies_email")
def password_reset_verifies_email(sender: type[User], user: User, **kwargs: Any) -> None:
    """The reset link reached the account's address, so it counts as verified (experts who applied set a password this way)."""
    EmailAddress.objects.filter(user=user, email__iexact=user.email, verified=False).update(verified=True)
