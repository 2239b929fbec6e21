-- Tenant isolation. Drizzle emits ENABLE ROW LEVEL SECURITY but not FORCE, policies
-- for our roles, or grants, so they live here.
--
-- app_secure_tenant_table() is the one recipe every tenant table goes through (later
-- migrations call it too):
--   * RLS enabled AND forced, so even the table owner is filtered;
--   * app_tenant sees and writes only rows whose shop_id equals app.shop_id, and an
--     unset or empty app.shop_id matches nothing;
--   * app_system (jobs, CLI, compliance webhooks: audited in code) sees every row.
CREATE OR REPLACE FUNCTION app_secure_tenant_table(t regclass, tenant_privileges text)
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY', t);
  EXECUTE format('ALTER TABLE %s FORCE ROW LEVEL SECURITY', t);
  EXECUTE format('DROP POLICY IF EXISTS tenant_isolation ON %s', t);
  EXECUTE format(
    'CREATE POLICY tenant_isolation ON %s AS PERMISSIVE FOR ALL TO app_tenant '
    'USING (shop_id = nullif(current_setting(''app.shop_id'', true), '''')) '
    'WITH CHECK (shop_id = nullif(current_setting(''app.shop_id'', true), ''''))', t);
  EXECUTE format('DROP POLICY IF EXISTS system_access ON %s', t);
  EXECUTE format(
    'CREATE POLICY system_access ON %s AS PERMISSIVE FOR ALL TO app_system USING (true) WITH CHECK (true)', t);
  EXECUTE format('GRANT %s ON %s TO app_tenant', tenant_privileges, t);
  EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %s TO app_system', t);
END
$$;
--> statement-breakpoint
GRANT USAGE ON SCHEMA public TO app_tenant, app_system;
--> statement-breakpoint
SELECT app_secure_tenant_table('shops', 'SELECT, INSERT, UPDATE');
