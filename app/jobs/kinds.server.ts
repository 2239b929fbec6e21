/**
 * Every module that registers job kinds, imported for their side effect: whatever
 * runs a worker (the app's entry.server.tsx, `npm run worker`) imports this, so
 * both know the same kinds.
 */
import "~/sync/jobs.server";
import "~/sync/costs/recost.server";
import "~/jobs/maintenance.server";
import "~/reports/jobs.server";
import "~/webhooks/erase-shop.server";
