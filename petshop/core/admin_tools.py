"""What every app's Django admin shares: writes go through the domain services, and a
refusal from a service (a DomainError or a model ValidationError) changes nothing and
says why.

How, through Django's public hooks only:

- Saving (change form, add form, list editing): the admin's form runs the services in
  ``full_clean()``, once Django has validated and built the object, inside the admin
  view's transaction (``save_with_services``). A refusal becomes an error beside the
  field it names (and a message at the top): the form is shown again with what staff
  typed. A form shown again after a POST means the whole request's transaction is
  rolled back (``render_change_form``, ``changelist_view``), so an earlier service call
  of the same request (another row of a list edit, the first of two services) is undone
  too. Django logs and congratulates only valid forms, so nothing false is said.
  ``save_model`` has nothing left to do.
- Deleting (the delete page and the "delete selected" action): each object goes through
  ``delete_with_services`` in its own transaction with its log entry; a refusal rolls
  both back and is shown as a message; a service may also keep the object (e.g.
  deactivate it instead) and say so.
"""

import copy
from collections.abc import Callable, Iterable

from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected
from django.contrib.admin.utils import quote, unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, router, transaction
from django.http import HttpResponseRedirect
from django.urls import path, reverse

from petshop.core.exceptions import DomainError
from petshop.core.refusals import add_refusal_to_form, refusal_text

REFUSALS = (DomainError, ValidationError)

# The human text of a service refusal (kept under its old name for the admins).
error_text = refusal_text


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


def service_form(form_class, *, run: Callable, request, change: bool):
    """`form_class` whose validation ends by running `run(form)` (the services): a
    refusal becomes the form's errors; an object `run` returns (a create service's)
    becomes the form's instance, so Django's log entry and redirect point at it."""

    class ServiceForm(form_class):
        def full_clean(self):
            super().full_clean()
            if not self.is_bound or self.errors or (change and not self.has_changed()):
                return
            try:
                created = run(self)
            except REFUSALS as exc:
                add_refusal_to_form(self, exc)
                messages.error(request, refusal_text(exc))
            else:
                if created is not None:
                    self.instance = created

    ServiceForm.__name__ = ServiceForm.__qualname__ = f"Service{form_class.__name__}"
    return ServiceForm


def _delete_selected_with_services(modeladmin, request, queryset):
    """Django's "delete selected" (its confirmation page), the deletion itself done by
    the admin's delete_queryset: through the services, reporting what happened."""
    if not request.POST.get("post"):
        return delete_selected(modeladmin, request, queryset)
    if not modeladmin.has_delete_permission(request):
        raise PermissionDenied
    modeladmin.delete_queryset(request, queryset)
    return None


_delete_selected_with_services.short_description = delete_selected.short_description
_delete_selected_with_services.allowed_permissions = ("delete",)


class ServiceModelAdmin(admin.ModelAdmin):
    """A ModelAdmin whose writes are services' (see the module's docstring).

    Subclasses implement ``save_with_services(request, obj, form, change)`` (returning
    the object a create service made, if any) and ``delete_with_services(request, obj)``
    (returning None once deleted, or a message saying what was done instead).
    """

    # A URL typed without a scheme is read as https:// (Django 6's default, asked for
    # now: Django 5.2 warns about the old http:// default, and the tests fail on it).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def save_with_services(self, request, obj, form, change):
        raise NotImplementedError  # each admin calls its services here

    def delete_with_services(self, request, obj) -> str | None:
        raise NotImplementedError

    # --- saving ---

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return self._service_form(form, request, change=change)

    def get_changelist_form(self, request, **kwargs):
        form = super().get_changelist_form(request, **kwargs)
        return self._service_form(form, request, change=True)

    def _service_form(self, form, request, *, change):
        def run(bound):
            return self.save_with_services(request, bound.instance, bound, change)

        return service_form(form, run=run, request=request, change=change)

    def save_model(self, request, obj, form, change):
        pass  # done by the form's services (see service_form)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if request.method == "POST":
            # Shown again after a POST: a refusal or an invalid input. Nothing of this
            # request is kept (changeform_view runs in a transaction).
            transaction.set_rollback(True, using=router.db_for_write(self.model))
        return super().render_change_form(request, context, add, change, form_url, obj)

    def changelist_view(self, request, extra_context=None):
        # List editing validates (and so runs the services) before Django's own
        # transaction: one around the whole request keeps a refused list edit whole.
        using = router.db_for_write(self.model)
        with transaction.atomic(using=using):
            response = super().changelist_view(request, extra_context)
            if request.method == "POST" and "_save" in request.POST and response.status_code == 200:
                transaction.set_rollback(True, using=using)  # the list edit shown again
            return response

    # --- deleting ---

    def delete_one(self, request, obj) -> str | None:
        """Delete `obj` through the services in its own transaction, with its log entry;
        None once deleted, else the message of what was done instead. Raises a refusal
        (DomainError, ValidationError) with nothing changed."""
        as_it_was = copy.copy(obj)  # the deletion clears obj's primary key
        with transaction.atomic(using=router.db_for_write(self.model)):
            instead = self.delete_with_services(request, obj)
            if instead is None:
                self.log_deletions(request, [as_it_was])
        return instead

    def delete_view(self, request, object_id, extra_context=None):
        if request.method != "POST" or not request.POST:
            return super().delete_view(request, object_id, extra_context)  # the question
        obj = self.get_object(request, unquote(object_id))
        if obj is None or not self.has_delete_permission(request, obj):
            return super().delete_view(request, object_id, extra_context)  # Django's 404/403
        display, back = str(obj), self._change_url(obj.pk)
        try:
            instead = self.delete_one(request, obj)
        except REFUSALS as exc:
            messages.error(request, refusal_text(exc))
            return HttpResponseRedirect(back)
        if instead is not None:
            messages.warning(request, instead)
            return HttpResponseRedirect(back)
        return self.response_delete(request, display, quote(object_id))

    def delete_queryset(self, request, queryset):
        opts = self.opts
        run_for_each(
            request,
            queryset.order_by("pk"),
            lambda obj: self.delete_one(request, obj),
            done="deleted",
            noun=(str(opts.verbose_name), str(opts.verbose_name_plural)),
        )

    def get_actions(self, request):
        actions = super().get_actions(request)
        if "delete_selected" in actions:
            _func, name, description = actions["delete_selected"]
            actions["delete_selected"] = (_delete_selected_with_services, name, description)
        return actions

    def _change_url(self, pk) -> str:
        opts = self.opts
        return reverse(
            f"admin:{opts.app_label}_{opts.model_name}_change",
            args=[quote(pk)],
            current_app=self.admin_site.name,
        )

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
    moved, refused, outcomes = 0, [], []
    for obj in objects:
        try:
            result = apply(obj)
        except REFUSALS as exc:
            refused.append(f"{obj}: {refusal_text(exc)}")
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
