"""Factories for people, organisations and accounts."""

from __future__ import annotations

import factory
from allauth.account.models import EmailAddress

from people import services
from people.models import Country, Organisation, StakeholderCategory, User


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    country = factory.LazyFunction(lambda: Country.objects.get(iso_code="AZ"))
    category = factory.LazyFunction(lambda: StakeholderCategory.objects.get(code="government"))


class UserFactory(factory.django.DjangoModelFactory):
    """A user with a verified e-mail address; pass role="coordinator" etc. to put them in a role."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    first_name = factory.Sequence(lambda n: f"Ad{n}")
    last_name = "Soyad"
    gender = User.Gender.FEMALE
    country = factory.LazyFunction(lambda: Country.objects.get(iso_code="AZ"))
    password = factory.django.Password("correct-horse-battery-9")

    @factory.post_generation
    def role(self, create: bool, extracted: str | None, **kwargs: object) -> None:
        if create and extracted:
            services.user_add_role(user=self, role_code=extracted)
            if extracted == "administrator":
                User.objects.filter(pk=self.pk).update(is_superuser=True, is_staff=True)
                self.is_superuser = self.is_staff = True

    @factory.post_generation
    def verified(self, create: bool, extracted: bool | None, **kwargs: object) -> None:
        if create and extracted is not False:
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)
