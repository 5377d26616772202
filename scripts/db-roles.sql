-- Run once as the database owner (psql -v ON_ERROR_STOP=1 -f scripts/db-roles.sql misper) after
-- `misper migrate`. The application then connects as misper_app (DATABASE_URL=postgres://misper_app@…),
-- which may read and write case data but may only INSERT and SELECT the access log.
-- (The migration audit/0002 also puts a trigger on the log that refuses UPDATE and DELETE for every
-- role, owner included; this REVOKE adds TRUNCATE, which a trigger on rows cannot stop.)
DO $$ BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'misper_app') THEN
        CREATE ROLE misper_app LOGIN;
    END IF;
END $$;
GRANT USAGE ON SCHEMA public TO misper_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO misper_app;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO misper_app;
REVOKE UPDATE, DELETE, TRUNCATE ON audit_accessevent FROM misper_app;
