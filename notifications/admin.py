from django.contrib import admin, messages
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html

from notifications.models import Email
from notifications.services import email_resend


@admin.register(Email)
class EmailAdmin(admin.ModelAdmin):
    """Every email the shop sent or will send. Read-only: emails are written by the
    services; staff filter the failed ones and resend."""

    list_display = ("created_at", "to", "subject", "event", "status", "attempts", "sent_at")
    list_filter = ("status", "event", "created_at")
    search_fields = ("to", "subject", "event", "key")
    date_hierarchy = "created_at"
    actions = ("resend",)
    fields = (
        "to",
        "from_email",
        "subject",
        "event",
        "related_link",
        "key",
        "status",
        "attempts",
        "last_error",
        "created_at",
        "sent_at",
        "body_text",
        "body_html",
    )
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # the change page shows the email read-only

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="About")
    def related_link(self, email: Email):
        if email.related_type_id is None:
            return "—"
        model = email.related_type.model_class()
        label = f"{email.related_type.name} #{email.related_id}"
        if model is None:
            return label
        try:
            url = reverse(
                f"admin:{model._meta.app_label}_{model._meta.model_name}_change",
                args=[email.related_id],
            )
        except NoReverseMatch:
            return label
        return format_html('<a href="{}">{}</a>', url, label)

    @admin.action(description="Resend the selected emails")
    def resend(self, request, queryset):
        count = 0
        for email in queryset.order_by("pk"):
            email_resend(email=email)
            count += 1
        self.message_user(
            request,
            f"{count} email{'s' if count != 1 else ''} queued again; the worker sends "
            f"{'them' if count != 1 else 'it'} shortly.",
            messages.SUCCESS,
        )
