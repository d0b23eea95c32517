from django.db import migrations

CATEGORIES = [
    ("Food", "food", "Dry food, wet food and treats."),
    ("Toys", "toys", "Things to chase, chew and puzzle over."),
    ("Accessories", "accessories", "Beds, bowls, leads, cages and carriers."),
    ("Health", "health", "Supplements, flea and tick care, first aid."),
    ("Grooming", "grooming", "Brushes, shampoos and clippers."),
]
PET_TYPES = [
    ("Dog", "dog"),
    ("Cat", "cat"),
    ("Bird", "bird"),
    ("Fish", "fish"),
    ("Reptile", "reptile"),
    ("Other", "other"),
]


def add_reference_data(apps, schema_editor):
    Category = apps.get_model("catalog", "Category")
    PetType = apps.get_model("catalog", "PetType")
    for name, slug, description in CATEGORIES:
        Category.objects.get_or_create(
            slug=slug, defaults={"name": name, "description": description}
        )
    for name, slug in PET_TYPES:
        PetType.objects.get_or_create(slug=slug, defaults={"name": name})


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_initial")]

    operations = [migrations.RunPython(add_reference_data, migrations.RunPython.noop)]
