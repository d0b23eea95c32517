"""Trigram indexes so that catalog search (`icontains` on name, brand, sku) uses an
index on PostgreSQL instead of scanning 100,000 rows. Nothing to do on SQLite."""

from django.db import migrations


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for column in ("name", "brand", "sku", "description"):
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS product_{column}_trgm "
            f"ON catalog_product USING gin (UPPER({column}) gin_trgm_ops)"
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in ("name", "brand", "sku", "description"):
        schema_editor.execute(f"DROP INDEX IF EXISTS product_{column}_trgm")


class Migration(migrations.Migration):
    dependencies = [("catalog", "0002_reference_data")]

    operations = [migrations.RunPython(forwards, backwards)]
