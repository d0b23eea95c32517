"""What every app's Django admin shares: writes go through the domain services, and a
refusal from a service (a DomainError) becomes a message with nothing changed.

Django's admin saves objects itself (``form.save()``, ``obj.delete()``); the admins of
this project override ``save_model`` / ``delete_model`` / ``delete_queryset`` to call
the services instead, and use :meth:`ServiceModelAdmin.refuse` when a service says no.
"""

from collections.abc import Callable, Iterable

from django.contrib import admin, messages
from django.contrib.admin.utils import quote, unquote
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.http import HttpResponseRedirect
from django.urls import path, reverse

from petshop.core.exceptions import DomainError

REFUSED = "_admin_refused"
REPORTED = "_admin_bulk_reported"
PENDING_DELETIONS = "_admin_pending_deletions"


def error_text(exc: Exception) -> str:
    """The human text of a service refusal (a DomainError or a model ValidationError)."""
    if isinstance(exc, DomainError):
        return exc.detail
    if isinstance(exc, ValidationError):
        if hasattr(exc, "error_dict"):
            return "; ".join(
                f"{field}: {' '.join(errors)}" if field != "__all__" else " ".join(errors)
                for field, errors in exc.message_dict.items()
            )
        return " ".join(exc.messages)
    return str(exc)


class ReadOnlyModelAdmin(admin.ModelAdmin):
    """Models staff only look at: written by the services (carts, checkout keys...)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(admin.TabularInline):
    """Rows shown with their parent and never edited there (order lines, history...)."""

    extra = 0
    max_num = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def adopt_created(target, created) -> None:
    """Make the admin's unsaved form instance the object a create service made, so
    Django's log entry and redirect point at it."""
    for field in created._meta.concrete_fields:
        setattr(target, field.attname, getattr(created, field.attname))
    target._state.adding = False


class ServiceModelAdmin(admin.ModelAdmin):
    """A ModelAdmin whose save/delete hooks call services and may refuse.

    Subclasses implement ``save_with_services`` / ``delete_with_services``. Django runs
    ``save_model`` (change form, add form and list editing alike) and ``delete_model``
    inside one ``transaction.atomic`` block; a refusal (DomainError, or a model
    ValidationError from a service's full_clean) rolls that whole block back, the log
    entry and the other rows of a list edit included, so a refused edit changes nothing;
    the refusal is shown as an error and Django's success message is suppressed.
    """

    # A URL typed without a scheme is read as https:// (Django 6's default, asked for
    # now: Django 5.2 warns about the old http:// default, and the tests fail on it).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def save_with_services(self, request, obj, form, change) -> None:
        raise NotImplementedError  # each admin calls its services here

    def delete_with_services(self, request, obj) -> None:
        raise NotImplementedError

    def save_model(self, request, obj, form, change):
        if self.was_refused(request):
            return  # an earlier row of the same list edit was refused: all is rolled back
        try:
            self.save_with_services(request, obj, form, change)
        except (DomainError, ValidationError) as exc:
            self.refuse(request, exc)

    def delete_model(self, request, obj):
        try:
            self.delete_with_services(request, obj)
        except (DomainError, ValidationError) as exc:
            self.refuse(request, exc)

    def save_related(self, request, form, formsets, change):
        if not self.was_refused(request):
            super().save_related(request, form, formsets, change)

    # --- the same actions as buttons on one object's change page ---

    change_form_template = "admin/service_change_form.html"
    #: (action name, button label): actions (from `actions`) offered on the change page
    change_actions: tuple[tuple[str, str], ...] = ()

    def get_urls(self):
        opts = self.opts
        return [
            path(
                "<path:object_id>/act/",
                self.admin_site.admin_view(self.change_action_view),
                name=f"{opts.app_label}_{opts.model_name}_act",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        actions = self.get_actions(request)
        obj = self.get_object(request, unquote(object_id))
        buttons = [
            (name, label)
            for name, label in self.change_actions
            if name in actions and obj is not None and self.change_action_applies(name, obj)
        ]
        return super().change_view(
            request, object_id, form_url, {"change_actions": buttons, **(extra_context or {})}
        )

    def change_action_applies(self, name: str, obj) -> bool:
        """Whether to offer the button for `obj` (its state machine allows the move).
        Only a hint for the page: the service still decides when it is pressed."""
        return True

    def change_action_view(self, request, object_id):
        """Run one of the list actions on this object alone (an intermediate page, such
        as the payment reference form, posts back here), then return to the object."""
        if request.method != "POST":
            return HttpResponseRedirect("../change/")
        actions = self.get_actions(request)
        name = request.POST.get("action", "")
        obj = self.get_object(request, unquote(object_id))  # None for a malformed id too
        if name not in dict(self.change_actions) or name not in actions or obj is None:
            messages.error(request, "No such action for this object.")
            return HttpResponseRedirect("../change/")
        func = actions[name][0]
        response = func(self, request, self.get_queryset(request).filter(pk=obj.pk))
        return response or HttpResponseRedirect("../change/")

    def refuse(self, request, exc: Exception) -> None:
        transaction.set_rollback(True)
        setattr(request, REFUSED, True)
        messages.error(request, error_text(exc))

    @staticmethod
    def was_refused(request) -> bool:
        return getattr(request, REFUSED, False)

    def message_user(self, request, message, level=messages.INFO, *args, **kwargs):
        # After a refusal, or after a bulk service call has reported its own outcome
        # (run_for_each), Django's generic "successfully ..." would be untrue.
        suppressed = self.was_refused(request) or getattr(request, REPORTED, False)
        if suppressed and level == messages.SUCCESS:
            return
        super().message_user(request, message, level, *args, **kwargs)

    def log_addition(self, request, obj, message):
        if self.was_refused(request):  # the object was never created: nothing to log
            return None
        return super().log_addition(request, obj, message)

    def log_deletions(self, request, queryset):
        if isinstance(queryset, models.QuerySet):
            # The bulk "delete selected" action logs before it deletes, but our
            # delete_queryset goes through services that may refuse some rows: it logs
            # afterwards (log_bulk_deletions) only the rows really gone.
            setattr(request, PENDING_DELETIONS, list(queryset))
            return []
        return super().log_deletions(request, queryset)

    def log_bulk_deletions(self, request) -> None:
        pending = getattr(request, PENDING_DELETIONS, [])
        kept = set(
            self.model._default_manager.filter(pk__in=[o.pk for o in pending]).values_list(
                "pk", flat=True
            )
        )
        gone = [obj for obj in pending if obj.pk not in kept]
        if gone:
            super().log_deletions(request, gone)

    def construct_change_message(self, request, form, formsets, add=False):
        if self.was_refused(request):  # the formsets were never saved
            return []
        return super().construct_change_message(request, form, formsets, add)

    def log_change(self, request, obj, message):
        if self.was_refused(request):  # nothing changed, and the transaction is rolled back
            return None
        return super().log_change(request, obj, message)

    def response_add(self, request, obj, post_url_continue=None):
        if self.was_refused(request):
            return HttpResponseRedirect(request.path)
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        if self.was_refused(request):
            return HttpResponseRedirect(request.path)
        return super().response_change(request, obj)

    def response_delete(self, request, obj_display, obj_id):
        if self.was_refused(request):  # the object is still there: back to it
            opts = self.opts
            return HttpResponseRedirect(
                reverse(
                    f"admin:{opts.app_label}_{opts.model_name}_change",
                    args=[quote(obj_id)],
                    current_app=self.admin_site.name,
                )
            )
        return super().response_delete(request, obj_display, obj_id)


def run_for_each(
    request,
    objects: Iterable,
    apply: Callable,
    *,
    done: str,
    noun: tuple[str, str],
    describe: Callable | None = None,
) -> tuple[int, list[str]]:
    """Apply a service call to each object, each in its own transaction, and report:
    how many succeeded (``messages.success``) and which were refused and why
    (``messages.warning``). ``done`` completes "3 orders ..." (e.g. "moved to shipped");
    ``describe(obj, result)``, if given, adds each success's outcome to the message.
    """
    setattr(request, REPORTED, True)
    moved, refused, outcomes = 0, [], []
    for obj in objects:
        try:
            result = apply(obj)
        except (DomainError, ValidationError) as exc:
            refused.append(f"{obj}: {error_text(exc)}")
        else:
            moved += 1
            if describe is not None:
                outcomes.append(describe(obj, result))
    singular, plural = noun
    if moved:
        detail = f": {'; '.join(outcomes)}" if outcomes else ""
        messages.success(request, f"{moved} {singular if moved == 1 else plural} {done}{detail}.")
    if refused:
        messages.warning(
            request,
            # Each reason is a sentence of its own: "A: ... . B: ... ." reads; ".;" did not.
            f"{len(refused)} {singular if len(refused) == 1 else plural} refused: "
            + " ".join(refused),
        )
    return moved, refused
