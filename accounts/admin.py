"""Users and roles in the Django admin. Roles are edited as one multiple-choice field
and saved through accounts.services.user_set_roles, so holding `admin` and having admin
access (is_staff / is_superuser) cannot drift apart and the last admin keeps the role."""

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserChangeForm, UserCreationForm

from accounts.models import Address, Role, User
from accounts.services import (
    PROFILE_FIELDS,
    user_deactivate,
    user_register,
    user_set_roles,
    user_update,
)
from petshop.core.admin_tools import ServiceModelAdmin, run_for_each


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
    actions = ["deactivate"]
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


@admin.register(Address)
class AddressAdmin(admin.ModelAdmin):
    """Customers' saved addresses. Orders keep their own copy, so edits here never change
    a placed order."""

    list_display = ("__str__", "user", "city", "country", "is_default")
    list_select_related = ("user",)
    search_fields = ("user__username", "user__email", "name", "city", "postal_code")
    raw_id_fields = ("user",)
