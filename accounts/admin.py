"""Users and roles in the Django admin. Roles are edited as one multiple-choice field
and saved through accounts.services.user_set_roles, so holding `admin` and having admin
access (is_staff / is_superuser) cannot drift apart and the last admin keeps the role."""

import json

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm, UserChangeForm, UserCreationForm
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Address, Role, User
from accounts.services import (
    PROFILE_FIELDS,
    user_deactivate,
    user_erase,
    user_export,
    user_reactivate,
    user_register,
    user_set_password,
    user_set_roles,
    user_update,
)
from accounts.two_factor.services import two_factor_reset
from petshop.core.admin_tools import ServiceModelAdmin, run_for_each
from petshop.core.exceptions import DomainError

# django-otp's own device admins show each TOTP secret (and its QR code) to every admin:
# anyone with admin access could then copy a colleague's second factor. Staff enrol on
# /admin/2fa/ and a lost device is reset with the users list action instead.
for _device_model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(_device_model):
        admin.site.unregister(_device_model)


def _roles_field() -> forms.MultipleChoiceField:
    # Not required: an empty choice reaches the service, which refuses it (last_role).
    return forms.MultipleChoiceField(
        choices=Role.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="The admin role is what gives access to this admin site, with every right.",
    )


class ShopUserChangeForm(UserChangeForm):
    roles = _roles_field()

    class Meta(UserChangeForm.Meta):
        model = User
        fields = ("username", "password", "first_name", "last_name", "email", "phone")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["roles"].initial = self.instance.roles


class ShopUserCreationForm(UserCreationForm):
    roles = _roles_field()

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "email")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].required = True
        self.fields["roles"].initial = [Role.CUSTOMER]


class ShopAdminPasswordChangeForm(AdminPasswordChangeForm):
    """An admin setting another user's password: through user_set_password, so the
    user's refresh tokens are revoked as with every other password change. Django's
    "disable password-based authentication" switch is left out: deactivate instead."""

    def __init__(self, user, *args, **kwargs):
        super().__init__(user, *args, **kwargs)
        self.fields.pop("usable_password", None)
        self.fields["password1"].required = self.fields["password2"].required = True

    def save(self, commit=True):
        try:
            return user_set_password(
                user=self.user, new_password=self.cleaned_data["password1"], check_current=False
            )
        except DomainError as exc:  # the form validated the password already; a race
            raise forms.ValidationError(exc.detail) from exc


class RoleFilter(admin.SimpleListFilter):
    title = "role"
    parameter_name = "role"

    def lookups(self, request, model_admin):
        return Role.choices

    def queryset(self, request, queryset):
        if self.value() == Role.ADMIN:
            return queryset.filter(is_staff=True)
        if self.value() == Role.CUSTOMER:
            return queryset.filter(is_customer=True)
        return queryset


@admin.register(User)
class UserAdmin(ServiceModelAdmin, DjangoUserAdmin):
    form = ShopUserChangeForm
    add_form = ShopUserCreationForm
    change_password_form = ShopAdminPasswordChangeForm
    list_display = (
        "username",
        "email",
        "first_name",
        "last_name",
        "role_list",
        "is_active",
        "date_joined",
    )
    list_filter = (RoleFilter, "is_active")
    search_fields = ("username", "email", "first_name", "last_name")
    ordering = ("username",)
    readonly_fields = ("is_active", "last_login", "date_joined")
    filter_horizontal = ()
    actions = [
        "deactivate",
        "reactivate",
        "reset_two_factor",
        "export_personal_data",
        "erase_personal_data",
    ]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("Personal info", {"fields": ("first_name", "last_name", "email", "phone")}),
        ("Roles and access", {"fields": ("roles", "is_active")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "email", "password1", "password2", "roles"),
            },
        ),
    )

    @admin.display(description="roles")
    def role_list(self, obj):
        return ", ".join(obj.roles)

    def has_delete_permission(self, request, obj=None):
        # Users own orders and invoices: they are deactivated, never deleted.
        return False

    def save_with_services(self, request, obj, form, change):
        roles = set(form.cleaned_data.get("roles") or [])
        if not change:
            user = user_register(
                username=form.cleaned_data["username"],
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password1"],
            )
            if roles != set(user.roles):
                user = user_set_roles(user=user, roles=roles)
            return user
        profile = {
            name: form.cleaned_data[name] for name in form.changed_data if name in PROFILE_FIELDS
        }
        if profile:
            user_update(user=obj, **profile)
        if roles != set(obj.roles):
            user_set_roles(user=obj, roles=roles)

    @admin.action(description="Deactivate selected users (they can no longer log in)")
    def deactivate(self, request, queryset):
        run_for_each(
            request,
            queryset.filter(is_active=True).order_by("pk"),
            lambda user: user_deactivate(user=user),
            done="deactivated",
            noun=("user", "users"),
        )

    @admin.action(description="Reactivate selected users (they can log in again)")
    def reactivate(self, request, queryset):
        run_for_each(
            request,
            queryset.filter(is_active=False).order_by("pk"),
            lambda user: user_reactivate(user=user),
            done="reactivated",
            noun=("user", "users"),
        )

    @admin.action(description="Reset two-factor sign-in (a lost phone: they enrol again)")
    def reset_two_factor(self, request, queryset):
        run_for_each(
            request,
            queryset.order_by("pk"),
            lambda user: two_factor_reset(user=user),
            done="will enrol a new second factor at their next admin visit",
            noun=("user", "users"),
        )

    @admin.action(description="Download the personal data of the selected user (one user)")
    def export_personal_data(self, request, queryset):
        users = list(queryset[:2])
        if len(users) != 1:
            self.message_user(
                request, "Select exactly one user to download their data.", messages.WARNING
            )
            return None
        user = users[0]
        body = json.dumps(user_export(user=user), cls=DjangoJSONEncoder, indent=2)
        response = HttpResponse(body, content_type="application/json")
        response["Content-Disposition"] = f'attachment; filename="petshop-user-{user.pk}.json"'
        response["Cache-Control"] = "no-store"
        return response

    @admin.action(description="Erase the personal data of selected users (cannot be undone)")
    def erase_personal_data(self, request, queryset):
        users = list(queryset.order_by("pk"))
        if request.POST.get("confirm") != "yes":
            # Irreversible: an intermediate page says what will happen and asks again.
            context = {
                **self.admin_site.each_context(request),
                "title": "Erase personal data?",
                "opts": self.opts,
                "users": users,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            }
            return TemplateResponse(request, "admin/accounts/user/erase_confirmation.html", context)
        run_for_each(
            request,
            users,
            lambda user: user_erase(user=user, check_password=False),
            done="erased (personal data replaced, account deactivated)",
            noun=("user", "users"),
        )
        return None


@admin.register(Address)
class AddressAdmin(admin.ModelAdmin):
    """Customers' saved addresses. Orders keep their own copy, so edits here never change
    a placed order."""

    list_display = ("__str__", "user", "city", "country", "is_default")
    list_select_related = ("user",)
    search_fields = ("user__username", "user__email", "name", "city", "postal_code")
    raw_id_fields = ("user",)
