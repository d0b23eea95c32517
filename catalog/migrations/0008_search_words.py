"""The search vocabulary (catalog.models.SearchWord) on PostgreSQL: every word of the
products' names and brands with the number of products holding it, and a trigram index
on it. A typo ("kible") is corrected against these few thousand words, then searched
through the full-text GIN index, instead of trigram-matching every product row.

Kept by the database: statement-level triggers on catalog_product with transition
tables for inserts and deletes, so a bulk COPY costs one grouped upsert, not one per
row; a row-level trigger for the updates that change a name or a brand (no other
update, such as a sale's stock change, fires it). Words holding no letter (the numbers
in names) are left out. Nothing is created on SQLite.
"""

from django.db import migrations, models

WORDS_FUNCTION = r"""
CREATE OR REPLACE FUNCTION catalog_product_words(name text, brand text) RETURNS SETOF text AS $$
    SELECT word FROM unnest(tsvector_to_array(
        to_tsvector('simple', coalesce(name, '') || ' ' || coalesce(brand, '')))) AS word
    WHERE word ~ '^[[:alnum:]]+$' AND word ~ '[[:alpha:]]'
$$ LANGUAGE sql IMMUTABLE;
"""

# Inserts and deletes: per statement, from its transition table (a bulk COPY of
# 100,000 products is one grouped upsert).
STATEMENT_FUNCTION = """
CREATE OR REPLACE FUNCTION catalog_product_search_words() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO catalog_searchword (word, products)
        SELECT w, count(*) FROM new_rows, catalog_product_words(new_rows.name, new_rows.brand) w
        GROUP BY w ORDER BY w
        ON CONFLICT (word) DO UPDATE SET products = catalog_searchword.products + EXCLUDED.products;
    ELSE
        UPDATE catalog_searchword s SET products = s.products - gone.n
        FROM (SELECT w, count(*) AS n
              FROM old_rows, catalog_product_words(old_rows.name, old_rows.brand) w
              GROUP BY w) gone
        WHERE s.word = gone.w;
    END IF;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;
"""

# Updates: per row, and only when the name or the brand changed, so the stock updates
# of every sale never reach the vocabulary.
ROW_FUNCTION = """
CREATE OR REPLACE FUNCTION catalog_product_search_words_update() RETURNS trigger AS $$
BEGIN
    INSERT INTO catalog_searchword (word, products)
    SELECT w, sum(delta) FROM (
        SELECT w, 1 AS delta FROM catalog_product_words(NEW.name, NEW.brand) w
        UNION ALL
        SELECT w, -1 FROM catalog_product_words(OLD.name, OLD.brand) w
    ) changes
    GROUP BY w HAVING sum(delta) <> 0 ORDER BY w
    ON CONFLICT (word) DO UPDATE SET products = catalog_searchword.products + EXCLUDED.products;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;
"""

TRIGGERS = {
    "insert": "AFTER INSERT ON catalog_product REFERENCING NEW TABLE AS new_rows "
    "FOR EACH STATEMENT EXECUTE FUNCTION catalog_product_search_words()",
    "delete": "AFTER DELETE ON catalog_product REFERENCING OLD TABLE AS old_rows "
    "FOR EACH STATEMENT EXECUTE FUNCTION catalog_product_search_words()",
    "update": "AFTER UPDATE OF name, brand ON catalog_product FOR EACH ROW "
    "WHEN (OLD.name IS DISTINCT FROM NEW.name OR OLD.brand IS DISTINCT FROM NEW.brand) "
    "EXECUTE FUNCTION catalog_product_search_words_update()",
}

FILL = """
INSERT INTO catalog_searchword (word, products)
SELECT w, count(*) FROM catalog_product, catalog_product_words(name, brand) w GROUP BY w;
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    run = schema_editor.execute
    run(WORDS_FUNCTION)
    run(STATEMENT_FUNCTION)
    run(ROW_FUNCTION)
    for event, definition in TRIGGERS.items():
        run(f"CREATE TRIGGER catalog_product_search_words_{event} {definition}")
    run("DELETE FROM catalog_searchword")
    run(FILL)
    run("CREATE INDEX searchword_word_trgm ON catalog_searchword USING gin (word gin_trgm_ops)")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    run = schema_editor.execute
    for event in TRIGGERS:
        run(f"DROP TRIGGER IF EXISTS catalog_product_search_words_{event} ON catalog_product")
    run("DROP FUNCTION IF EXISTS catalog_product_search_words()")
    run("DROP FUNCTION IF EXISTS catalog_product_search_words_update()")
    run("DROP FUNCTION IF EXISTS catalog_product_words(text, text)")


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0007_facet_cells"),
    ]

    operations = [
        migrations.CreateModel(
            name="SearchWord",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("word", models.CharField(max_length=200, unique=True)),
                ("products", models.IntegerField(default=0)),
            ],
        ),
        migrations.RunPython(forwards, backwards),
    ]
