SELECT app_secure_tenant_table('staged_orders', 'SELECT, INSERT, DELETE');
--> statement-breakpoint
SELECT app_secure_tenant_table('staged_agreements', 'SELECT, INSERT, DELETE');
--> statement-breakpoint
SELECT app_secure_tenant_table('staged_sales', 'SELECT, INSERT, DELETE');
