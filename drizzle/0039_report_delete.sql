-- The owner can delete a saved report (app/reports/delete.server.ts): its narratives and its
-- narrative request go with it, under the shop's own role, so row level security keeps the
-- delete inside the session's shop. Narratives stay never-edited (no UPDATE).
SELECT app_secure_tenant_table('report_narratives', 'SELECT, INSERT, DELETE');
--> statement-breakpoint
SELECT app_secure_tenant_table('narrative_requests', 'SELECT, INSERT, UPDATE, DELETE');
