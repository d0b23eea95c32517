"""The search vocabulary (catalog.models.SearchWord) on PostgreSQL: every word of the
products' names and brands with the number of products holding it, and a trigram index
on it. A typo ("kible") is corrected against these few thousand words, then searched
through the full-text GIN index, instead of trigram-matching every product row.

Kept by the database: statement-level triggers on catalog_product with transition
tables, so a bulk COPY or UPDATE costs one grouped upsert, not one per row; an update
touches the vocabulary only for the rows whose name or brand changed. Words holding no
letter (the numbers in names) are left out. Nothing is created on SQLite.
"""

from django.db import migrations, models

WORDS_FUNCTION = r"""
CREATE OR REPLACE FUNCTION catalog_product_words(name text, brand text) RETURNS SETOF text AS $$
    SELECT word FROM unnest(tsvector_to_array(
        to_tsvector('simple', coalesce(name, '') || ' ' || coalesce(brand, '')))) AS word
    WHERE word ~ '^[[:alnum:]]+$' AND word ~ '[[:alpha:]]'
$$ LANGUAGE sql IMMUTABLE;
"""

TRIGGER_FUNCTION = """
CREATE OR REPLACE FUNCTION catalog_product_search_words() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO catalog_searchword (word, products)
        SELECT w, count(*) FROM new_rows, catalog_product_words(new_rows.name, new_rows.brand) w
        GROUP BY w ORDER BY w
        ON CONFLICT (word) DO UPDATE SET products = catalog_searchword.products + EXCLUDED.products;
    ELSIF TG_OP = 'DELETE' THEN
        UPDATE catalog_searchword s SET products = s.products - gone.n
        FROM (SELECT w, count(*) AS n
              FROM old_rows, catalog_product_words(old_rows.name, old_rows.brand) w
              GROUP BY w) gone
        WHERE s.word = gone.w;
    ELSE
        INSERT INTO catalog_searchword (word, products)
        SELECT w, sum(delta) FROM (
            SELECT w, 1 AS delta
            FROM new_rows n JOIN old_rows o ON o.id = n.id, catalog_product_words(n.name, n.brand) w
            WHERE (n.name, n.brand) IS DISTINCT FROM (o.name, o.brand)
            UNION ALL
            SELECT w, -1
            FROM new_rows n JOIN old_rows o ON o.id = n.id, catalog_product_words(o.name, o.brand) w
            WHERE (n.name, n.brand) IS DISTINCT FROM (o.name, o.brand)
        ) changes
        GROUP BY w HAVING sum(delta) <> 0 ORDER BY w
        ON CONFLICT (word) DO UPDATE SET products = catalog_searchword.products + EXCLUDED.products;
    END IF;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;
"""

TRIGGERS = {
    "insert": "AFTER INSERT ON catalog_product REFERENCING NEW TABLE AS new_rows",
    "update": "AFTER UPDATE ON catalog_product REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows",
    "delete": "AFTER DELETE ON catalog_product REFERENCING OLD TABLE AS old_rows",
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
    run(TRIGGER_FUNCTION)
    for event, when in TRIGGERS.items():
        run(
            f"CREATE TRIGGER catalog_product_search_words_{event} {when} "
            "FOR EACH STATEMENT EXECUTE FUNCTION catalog_product_search_words()"
        )
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
