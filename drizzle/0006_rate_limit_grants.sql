-- Rate-limit counters (app/security/rate-limit.server.ts). Not a tenant table: a key
-- names its own scope (shop:<domain>:export, ip:<addr>:…), so no RLS policy can
-- express who owns a row. Access is by grant alone instead: app_system (which the
-- limiter always runs as) may read, count and clean up; app_tenant and PUBLIC get
-- nothing, so a tenant query can neither read another shop's counters nor reset its own.
REVOKE ALL ON rate_limits FROM PUBLIC;
--> statement-breakpoint
REVOKE ALL ON rate_limits FROM app_tenant;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON rate_limits TO app_system;
