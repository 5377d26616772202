"""On PostgreSQL, make ``audit_accessevent`` append-only: a row trigger raises on UPDATE and DELETE.

A trigger binds the table's owner too (a REVOKE would not), so it holds even when the application
connects as the role that owns the tables. TRUNCATE is left to the owner (test databases are flushed
with it); a deployment runs the application as a separate role without TRUNCATE, UPDATE or DELETE on the
table (scripts/db-roles.sql). SQLite, the single-user demo, is not protected this way; ``misper audit
verify`` still detects any edit or removal there.
"""

from django.db import migrations

UP = """
CREATE OR REPLACE FUNCTION misper_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit_accessevent is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_accessevent_append_only BEFORE UPDATE OR DELETE ON audit_accessevent
    FOR EACH ROW EXECUTE FUNCTION misper_audit_append_only();
"""
DOWN = """
DROP TRIGGER IF EXISTS audit_accessevent_append_only ON audit_accessevent;
DROP FUNCTION IF EXISTS misper_audit_append_only();
"""


def up(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(UP, params=None)


def down(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DOWN, params=None)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]
    operations = [migrations.RunPython(up, down)]
