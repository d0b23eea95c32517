"""Template helpers of the storefront."""

from django import template
from django.templatetags.static import static

from catalog import fragments

register = template.Library()

# One drawing per pet type of the reference data; a pet type added later by staff gets
# the generic one rather than a broken image.
PET_PLACEHOLDERS = {"dog", "cat", "bird", "fish", "reptile", "other"}


@register.filter
def pet_placeholder(pet_type_slug: str) -> str:
    slug = pet_type_slug if pet_type_slug in PET_PLACEHOLDERS else "other"
    return static(f"img/pets/{slug}.svg")


@register.simple_tag
def pet_nav():
    """The shop-by-pet menu, rendered once per catalog version (catalog/fragments.py)."""
    return fragments.pet_nav()


@register.simple_tag
def field_widget(field):
    """The field's input, pointing screen readers at its help text and its errors."""
    described_by = []
    if field.help_text:
        described_by.append(f"{field.auto_id}_helptext")
    if field.errors:
        described_by.append(f"{field.auto_id}_error")
    attrs = {"aria-describedby": " ".join(described_by)} if described_by else None
    return field.as_widget(attrs=attrs)
