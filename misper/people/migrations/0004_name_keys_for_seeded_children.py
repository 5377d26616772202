"""Name keys for children written by a demo seed before the loader built them (it bulk-inserted children,
which sends no signal, so exact-name search found nobody). Children that have keys are left alone."""

from django.db import migrations


def backfill_missing(apps, schema_editor):  # type: ignore[no-untyped-def]
    from misper.people.search import key_rows

    child_model = apps.get_model("people", "Child")
    alias_model = apps.get_model("people", "ChildAlias")
    key_model = apps.get_model("people", "ChildNameKey")
    missing = child_model.objects.filter(name_keys__isnull=True)
    aliases: dict[int, list[str]] = {}
    for pk, given, family in alias_model.objects.filter(child__in=missing).values_list(
        "child_id", "given_name", "family_name"
    ):
        aliases.setdefault(pk, []).extend([given, family])
    batch = []
    for pk, given, family, preferred in missing.values_list(
        "pk", "given_name", "family_name", "preferred_name"
    ).iterator(chunk_size=5000):
        for name, metaphone, soundex in key_rows([given, family, preferred, *aliases.get(pk, [])]):
            batch.append(key_model(child_id=pk, name=name, metaphone=metaphone, soundex=soundex))
        if len(batch) >= 5000:
            key_model.objects.bulk_create(batch)
            batch = []
    key_model.objects.bulk_create(batch)


class Migration(migrations.Migration):
    dependencies = [("people", "0003_name_keys_trigram_and_backfill")]

    operations = [migrations.RunPython(backfill_missing, migrations.RunPython.noop)]
