"""On PostgreSQL, the pg_trgm extension and a trigram GIN index on name keys (misspellings, prefixes);
on every database, name keys for the children already on file."""

from django.db import migrations

TRIGRAM_INDEX = "people_childnamekey_name_trgm"


def trigram_index(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {TRIGRAM_INDEX} ON people_childnamekey USING gin (name gin_trgm_ops)"
    )


def drop_trigram_index(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {TRIGRAM_INDEX}")


def backfill(apps, schema_editor):  # type: ignore[no-untyped-def]
    """Keys for existing children, in batches (historical models: the search module's codes only)."""
    from misper.people.search import key_rows

    child_model = apps.get_model("people", "Child")
    alias_model = apps.get_model("people", "ChildAlias")
    key_model = apps.get_model("people", "ChildNameKey")
    aliases: dict[int, list[str]] = {}
    for pk, given, family in alias_model.objects.values_list("child_id", "given_name", "family_name"):
        aliases.setdefault(pk, []).extend([given, family])
    batch = []
    for pk, given, family, preferred in child_model.objects.values_list(
        "pk", "given_name", "family_name", "preferred_name"
    ).iterator(chunk_size=5000):
        for name, metaphone, soundex in key_rows([given, family, preferred, *aliases.get(pk, [])]):
            batch.append(key_model(child_id=pk, name=name, metaphone=metaphone, soundex=soundex))
        if len(batch) >= 5000:
            key_model.objects.bulk_create(batch)
            batch = []
    key_model.objects.bulk_create(batch)


class Migration(migrations.Migration):
    dependencies = [("people", "0002_child_name_keys")]

    operations = [
        migrations.RunPython(trigram_index, drop_trigram_index),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
