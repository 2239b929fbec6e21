-- Roles the app switches to with SET LOCAL ROLE (app/db/tenant.server.ts).
-- Roles are cluster-wide, so creation is idempotent: a second database in the same
-- cluster (tests, staging) must migrate cleanly. Neither role can log in, neither is a
-- superuser or BYPASSRLS: isolation comes from policies, never from privilege.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'app_tenant') THEN
    CREATE ROLE app_tenant NOLOGIN NOSUPERUSER NOBYPASSRLS NOINHERIT;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'app_system') THEN
    CREATE ROLE app_system NOLOGIN NOSUPERUSER NOBYPASSRLS NOINHERIT;
  END IF;
  -- The login that runs the app must be allowed to SET ROLE to both.
  -- A superuser already can; for anyone else the grant is needed.
  IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
    EXECUTE format('GRANT app_tenant, app_system TO %I', current_user);
  END IF;
END
$$;
