-- The job queue (app/jobs/queue.server.ts) is cross-shop infrastructure, not a tenant
-- table. app_system (the worker and enqueue, always through asSystem) may read and
-- write it; app_tenant and PUBLIC get nothing. It has a shop_id, so RLS is forced like
-- on every such table, with a policy for app_system alone: a tenant grant added by
-- mistake would still show no rows. Inserting needs no sequence grant (identity column).
REVOKE ALL ON jobs FROM PUBLIC;
--> statement-breakpoint
REVOKE ALL ON jobs FROM app_tenant;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON jobs TO app_system;
--> statement-breakpoint
ALTER TABLE jobs FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
DROP POLICY IF EXISTS system_access ON jobs;
--> statement-breakpoint
CREATE POLICY system_access ON jobs AS PERMISSIVE FOR ALL TO app_system USING (true) WITH CHECK (true);
