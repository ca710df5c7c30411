"""Wagtail admin viewsets of the people app: organisations, the e-mail log and user management."""

from __future__ import annotations

from typing import Any

from django.urls import path
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.users.views.users import DeleteView as WagtailUserDeleteView
from wagtail.users.views.users import EditView as WagtailUserEditView
from wagtail.users.views.users import IndexView as WagtailUserIndexView
from wagtail.users.views.users import UserViewSet as WagtailUserViewSet

from people.erasure import person_erase
from people.forms import AdminUserCreationForm, AdminUserEditForm
from people.models import Organisation, OutboundEmail, User


class ViewOnlyPermissionPolicy(ModelPermissionPolicy):
    """Grant "view" as the model permissions say, and never add, change or delete (not even to superusers)."""

    def user_has_permission(self, user: User, action: str) -> bool:
        return action == "view" and super().user_has_permission(user, action)

    def user_has_any_permission(self, user: User, actions: Any) -> bool:
        return any(self.user_has_permission(user, action) for action in actions)

    def users_with_any_permission(self, actions: Any) -> Any:
        return super().users_with_any_permission([action for action in actions if action == "view"])


class ListAndInspectOnlyMixin:
    """A model viewset with only its listing and inspect pages: no add, edit, delete, history or usage links."""

    def get_common_view_kwargs(self, **kwargs: Any) -> dict[str, Any]:
        view_kwargs = super().get_common_view_kwargs(**kwargs)  # type: ignore[misc]
        for name in ("add_url_name", "edit_url_name", "delete_url_name", "history_url_name", "usage_url_name"):
            view_kwargs[name] = None
        return view_kwargs

    def get_urlpatterns(self) -> list[Any]:
        return [
            path("", self.index_view, name="index"),  # type: ignore[attr-defined]
            path("results/", self.index_results_view, name="index_results"),  # type: ignore[attr-defined]
            path(f"inspect/<{self.pk_path_converter}:pk>/", self.inspect_view, name="inspect"),  # type: ignore[attr-defined]
        ]


class OrganisationViewSet(ModelViewSet):
    """Coordinators list, search, add and edit the organisations participants come from."""

    model = Organisation
    icon = "group"
    menu_label = _("Organisations")
    list_display = ["name", "country", "category"]
    list_filter = ["country", "category"]
    search_fields = ["name"]
    form_fields = ["name", "country", "category"]
    copy_view_enabled = False
    inspect_view_enabled = True


class OutboundEmailViewSet(ListAndInspectOnlyMixin, ModelViewSet):
    """A read-only log of the e-mails the platform queued and sent, for coordinators to check delivery.

    It shows who, what kind, when and how delivery went, and the stored (redacted) copy of the text: the
    secrets an e-mail carried are never stored in what it shows, and the search looks only at the
    recipient and the subject, so it cannot be used to guess a body either.
    """

    model = OutboundEmail
    icon = "mail"
    menu_label = _("E-mail log")
    list_display = [
        "to",
        "kind",
        "subject",
        "created_at",
        Column("status", label=_("status"), accessor="get_status_display"),
        "attempts",
        "last_error",
    ]
    # The export carries what the listing shows, never a body (only the redacted copy is stored anyway).
    list_export = ["to", "kind", "subject", "language", "created_at", "sent_at", "status", "attempts", "last_error"]
    list_filter = ["kind", "language"]
    search_fields = ["to", "subject"]
    ordering = ["-created_at"]
    inspect_view_enabled = True
    inspect_view_fields = ["to", "kind", "subject", "language", "created_at", "sent_at", "status", "attempts", "last_error", "body_text"]
    copy_view_enabled = False
    add_to_reference_index = False


class PeopleViewSetGroup(ModelViewSetGroup):
    """The "People" menu of the admin: organisations and the e-mail log."""

    menu_label = _("People")
    menu_icon = "group"
    menu_order = 250
    items = (OrganisationViewSet("organisations"), OutboundEmailViewSet("outbound_emails", url_prefix="email-log"))


class UserEraseView(WagtailUserDeleteView):
    """Deleting a user erases the person everywhere (people.erasure), instead of Wagtail's delete and its log entry that names them."""

    success_message = _("The user has been erased: their personal data is gone everywhere.")

    def get_success_message(self) -> str:
        return str(self.success_message)

    def delete_action(self) -> None:
        person_erase(user=self.object, erased_by=self.request.user)


class UserIndexView(WagtailUserIndexView):
    """The users listing, without the anonymous rows erased people leave behind."""

    def get_base_queryset(self) -> Any:
        return super().get_base_queryset().filter(erased_at__isnull=True)


class UserEditView(WagtailUserEditView):
    """Editing a user; the anonymous row an erased person left is not an account anyone can edit back to life."""

    def get_queryset(self) -> Any:
        return super().get_queryset().filter(erased_at__isnull=True)


class UserViewSet(WagtailUserViewSet):
    """Wagtail's user management with our profile fields (gender, country, organisation, level, language); deleting erases."""

    index_view_class = UserIndexView
    edit_view_class = UserEditView
    delete_view_class = UserEraseView

    # Wagtail looks for wagtailusers/users/people/user/{create,edit}.html first: those add the fields.
    def get_form_class(self, for_update: bool = False) -> type[AdminUserCreationForm | AdminUserEditForm]:
        return AdminUserEditForm if for_update else AdminUserCreationForm
