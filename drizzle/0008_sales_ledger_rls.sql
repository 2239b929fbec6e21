-- The sales ledger is tenant data: RLS forced, one shop per transaction.
SELECT app_secure_tenant_table('products', 'SELECT, INSERT, UPDATE, DELETE');
--> statement-breakpoint
SELECT app_secure_tenant_table('variants', 'SELECT, INSERT, UPDATE, DELETE');
--> statement-breakpoint
SELECT app_secure_tenant_table('cost_history', 'SELECT, INSERT, UPDATE');
--> statement-breakpoint
SELECT app_secure_tenant_table('orders', 'SELECT, INSERT, UPDATE, DELETE');
--> statement-breakpoint
SELECT app_secure_tenant_table('sales', 'SELECT, INSERT, UPDATE, DELETE');
--> statement-breakpoint
SELECT app_secure_tenant_table('daily_rollups', 'SELECT, INSERT, UPDATE, DELETE');
--> statement-breakpoint
SELECT app_secure_tenant_table('daily_orders', 'SELECT, INSERT, UPDATE, DELETE');
--> statement-breakpoint
SELECT app_secure_tenant_table('sync_runs', 'SELECT, INSERT, UPDATE');
