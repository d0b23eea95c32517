"""The audit trail in the admin: read-only, as a panel on each audited object's page
(AuditRecordInline, added by the apps' admins) and as one list of every record."""

from django.contrib import admin
from django.contrib.contenttypes.admin import GenericTabularInline
from django.utils.html import format_html, format_html_join

from audit.models import AuditRecord


def _changes(record: AuditRecord):
    rows = format_html_join(
        "",
        "<li><code>{}</code>: {} → {}</li>",
        (
            (name, "—" if old is None else old, "—" if new is None else new)
            for name, old, new in record.changes
        ),
    )
    return format_html("<ul style='margin:0;padding-left:1em'>{}</ul>", rows)


class AuditRecordInline(GenericTabularInline):
    """ "Audit trail" on a product's, invoice's or return's change page: newest first,
    nothing editable."""

    model = AuditRecord
    verbose_name = "audit record"
    verbose_name_plural = "audit trail (who changed money or stock, when, before → after)"
    fields = ("at", "by", "action", "what_changed", "note")
    readonly_fields = fields
    extra = 0
    max_num = 0
    can_delete = False
    ordering = ("-at", "-id")

    def get_queryset(self, request):
        # content_type too: the tabular inline prints each record's str(), which names it.
        return super().get_queryset(request).select_related("by", "content_type")

    @admin.display(description="before → after")
    def what_changed(self, obj):
        return _changes(obj)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditRecord)
class AuditRecordAdmin(admin.ModelAdmin):
    list_display = ("at", "action", "content_type", "object_id", "by", "what_changed", "note")
    list_filter = ("action", "content_type", "at")
    list_select_related = ("by", "content_type")
    search_fields = ("note", "action")
    date_hierarchy = "at"
    fields = ("at", "by", "action", "content_type", "object_id", "what_changed", "note")
    readonly_fields = fields

    @admin.display(description="before → after")
    def what_changed(self, obj):
        return _changes(obj)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
