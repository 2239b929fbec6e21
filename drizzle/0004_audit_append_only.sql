-- Audit log: append-only for every application role.
--   app_tenant: INSERT and SELECT its own shop's chain (RLS).
--   app_system: INSERT and SELECT every chain; no UPDATE, no DELETE.
-- Rows leave the table only through two owner-run functions, each for one documented
-- purpose: retention (audit_prune, which first checkpoints the chain so it stays
-- verifiable) and shop/redact (audit_erase_shop). Only app_system may call them.
SELECT app_secure_tenant_table('audit_events', 'SELECT, INSERT');
--> statement-breakpoint
REVOKE UPDATE, DELETE, TRUNCATE ON audit_events FROM app_system, app_tenant, PUBLIC;
--> statement-breakpoint
SELECT app_secure_tenant_table('audit_checkpoints', 'SELECT');
--> statement-breakpoint
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON audit_checkpoints FROM app_system, app_tenant, PUBLIC;
--> statement-breakpoint
SELECT app_secure_tenant_table('webhook_deliveries', 'SELECT, INSERT, UPDATE');
--> statement-breakpoint
-- FORCE applies RLS to the owner too, so the maintenance functions (which run as the
-- owner) get a policy of their own. A superuser owner (PGlite, local dev) bypasses RLS.
DO $$
BEGIN
  IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
    EXECUTE format('CREATE POLICY owner_maintenance ON audit_events FOR ALL TO %I USING (true) WITH CHECK (true)', current_user);
    EXECUTE format('CREATE POLICY owner_maintenance ON audit_checkpoints FOR ALL TO %I USING (true) WITH CHECK (true)', current_user);
  END IF;
END
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION audit_prune(cutoff timestamptz)
RETURNS bigint LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  pruned bigint := 0;
BEGIN
  -- Remember, per shop, the last row about to go: the verifier starts from it.
  INSERT INTO audit_checkpoints AS c (shop_id, seq, hash, pruned_at)
  SELECT DISTINCT ON (shop_id) shop_id, seq, hash, now()
  FROM audit_events WHERE created_at < cutoff
  ORDER BY shop_id, seq DESC
  ON CONFLICT (shop_id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash, pruned_at = excluded.pruned_at
  WHERE c.seq < excluded.seq;
  DELETE FROM audit_events e USING audit_checkpoints c
  WHERE e.shop_id = c.shop_id AND e.seq <= c.seq AND e.created_at < cutoff;
  GET DIAGNOSTICS pruned = ROW_COUNT;
  RETURN pruned;
END
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION audit_erase_shop(target_shop text)
RETURNS bigint LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  erased bigint := 0;
BEGIN
  IF target_shop IS NULL OR target_shop = '_system' THEN
    RAISE EXCEPTION 'audit_erase_shop: refusing %', target_shop;
  END IF;
  DELETE FROM audit_checkpoints WHERE shop_id = target_shop;
  DELETE FROM audit_events WHERE shop_id = target_shop;
  GET DIAGNOSTICS erased = ROW_COUNT;
  RETURN erased;
END
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION audit_prune(timestamptz), audit_erase_shop(text) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION audit_prune(timestamptz), audit_erase_shop(text) TO app_system;
--> statement-breakpoint
-- shop/redact runs as app_system and must remove the shop's sessions too. DELETE
-- needs to read the column it filters on, so app_system may see shop_id, never a token.
GRANT DELETE, SELECT (shop_id) ON sessions TO app_system;
