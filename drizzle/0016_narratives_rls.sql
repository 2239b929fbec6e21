-- Narratives are written whole and never edited by the app (append-only for app_tenant);
-- shop/redact deletes them as app_system. Settings are one upserted row per shop.
SELECT app_secure_tenant_table('report_narratives', 'SELECT, INSERT');
--> statement-breakpoint
SELECT app_secure_tenant_table('shop_settings', 'SELECT, INSERT, UPDATE');
