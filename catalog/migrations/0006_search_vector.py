"""The catalog's search index on PostgreSQL (issue 13).

`catalog_product.search_vector` is kept by the database itself: a BEFORE INSERT/UPDATE
trigger computes it from the product's name, brand and sku (weight A), its category's and
pet type's names (B) and its description (C), whatever writes the row (services, admin,
CSV import, the bench's COPY). Renaming a category or pet type re-indexes its products
(AFTER UPDATE triggers on those tables). A GIN index serves `@@`; trigram GIN indexes on
UPPER(name) and UPPER(brand) (the expressions catalog.search filters on) serve the typo
tolerant `%>` matches. A stock-only UPDATE does not fire the product trigger.

On SQLite the column stays NULL and nothing else is created: catalog.search falls back
to a plainer search there.
"""

import django.contrib.postgres.search
from django.db import migrations

PRODUCT_FUNCTION = """
CREATE OR REPLACE FUNCTION catalog_product_search_vector_update() RETURNS trigger AS $$
BEGIN
    NEW.search_vector :=
        setweight(to_tsvector('english', coalesce(NEW.name, '')), 'A')
        || setweight(to_tsvector('english', coalesce(NEW.brand, '')), 'A')
        || setweight(to_tsvector('simple', coalesce(NEW.sku, '')), 'A')
        || setweight(to_tsvector('english', coalesce(
            (SELECT c.name FROM catalog_category c WHERE c.id = NEW.category_id), '')), 'B')
        || setweight(to_tsvector('english', coalesce(
            (SELECT p.name FROM catalog_pettype p WHERE p.id = NEW.pet_type_id), '')), 'B')
        || setweight(to_tsvector('english', coalesce(NEW.description, '')), 'C');
    RETURN NEW;
END
$$ LANGUAGE plpgsql;
"""

# Listing search_vector among the columns lets a reference-data rename re-index its
# products with `SET search_vector = NULL` (the trigger recomputes it).
PRODUCT_TRIGGER = """
CREATE TRIGGER catalog_product_search_vector
BEFORE INSERT OR UPDATE OF name, brand, sku, description, category_id, pet_type_id, search_vector
ON catalog_product FOR EACH ROW EXECUTE FUNCTION catalog_product_search_vector_update();
"""

REFERENCE_FUNCTION = """
CREATE OR REPLACE FUNCTION catalog_{table}_reindex_products() RETURNS trigger AS $$
BEGIN
    UPDATE catalog_product SET search_vector = NULL WHERE {column} = NEW.id;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;
"""

REFERENCE_TRIGGER = """
CREATE TRIGGER catalog_{table}_reindex_products
AFTER UPDATE OF name ON catalog_{table} FOR EACH ROW
WHEN (OLD.name IS DISTINCT FROM NEW.name)
EXECUTE FUNCTION catalog_{table}_reindex_products();
"""

REFERENCES = (("category", "category_id"), ("pettype", "pet_type_id"))
TRIGRAM_COLUMNS = ("name", "brand", "sku")


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    run = schema_editor.execute
    run("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    run(PRODUCT_FUNCTION)
    run(PRODUCT_TRIGGER)
    for table, column in REFERENCES:
        run(REFERENCE_FUNCTION.format(table=table, column=column))
        run(REFERENCE_TRIGGER.format(table=table))
    run("UPDATE catalog_product SET search_vector = NULL")  # fills every existing row
    run(
        "CREATE INDEX IF NOT EXISTS product_search_vector "
        "ON catalog_product USING gin (search_vector)"
    )
    # The same definitions as migration 0003's (IF NOT EXISTS): search depends on them.
    for column in TRIGRAM_COLUMNS:
        run(
            f"CREATE INDEX IF NOT EXISTS product_{column}_trgm "
            f"ON catalog_product USING gin (UPPER({column}) gin_trgm_ops)"
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    run = schema_editor.execute
    run("DROP INDEX IF EXISTS product_search_vector")
    run("DROP TRIGGER IF EXISTS catalog_product_search_vector ON catalog_product")
    run("DROP FUNCTION IF EXISTS catalog_product_search_vector_update()")
    for table, _column in REFERENCES:
        run(f"DROP TRIGGER IF EXISTS catalog_{table}_reindex_products ON catalog_{table}")
        run(f"DROP FUNCTION IF EXISTS catalog_{table}_reindex_products()")


class Migration(migrations.Migration):
    dependencies = [("catalog", "0005_product_images")]

    operations = [
        migrations.AddField(
            model_name="product",
            name="search_vector",
            field=django.contrib.postgres.search.SearchVectorField(
                blank=True, editable=False, null=True
            ),
        ),
        migrations.RunPython(forwards, backwards),
    ]
