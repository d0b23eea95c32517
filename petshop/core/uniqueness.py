"""Unique in any case ("Rex" and "rex", "SKU-1" and "sku-1" are one to a reader).

The database holds the rule (a UniqueConstraint on Lower(field) per field, which also
settles two racing writes); a model lists the fields in UNIQUE_IN_ANY_CASE and this
mixin makes its validation (full_clean, so every service and every ModelForm) report a
clash on the field concerned, in words, instead of the constraint's name.
"""

from django.core.exceptions import ValidationError


def clashes_in_any_case(instance, fields, *, exclude=()) -> dict[str, list[str]]:
    """{field: [message]} for each of `fields` whose value another row holds in any case."""
    model = type(instance)
    errors = {}
    for name in fields:
        value = getattr(instance, name)
        if name in exclude or not value:
            continue
        others = model._default_manager.filter(**{f"{name}__iexact": value})
        if instance.pk is not None:
            others = others.exclude(pk=instance.pk)
        if others.exists():
            label = model._meta.get_field(name).verbose_name
            errors[name] = [f"A {model._meta.verbose_name} with that {label} already exists."]
    return errors


class UniqueInAnyCase:
    """Model mixin (before models.Model): the fields of UNIQUE_IN_ANY_CASE are checked in
    any case by validate_constraints (and no longer also exactly by validate_unique:
    any case covers it)."""

    UNIQUE_IN_ANY_CASE: tuple[str, ...] = ()

    def validate_unique(self, exclude=None):
        super().validate_unique(exclude={*(exclude or ()), *self.UNIQUE_IN_ANY_CASE})

    def validate_constraints(self, exclude=None):
        exclude = set(exclude or ())
        errors = clashes_in_any_case(self, self.UNIQUE_IN_ANY_CASE, exclude=exclude)
        try:
            # The Lower(...) constraints are what was just checked, with field names.
            super().validate_constraints(exclude=exclude | set(self.UNIQUE_IN_ANY_CASE))
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)
