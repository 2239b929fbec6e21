-- The bulk staging tables hold a run's rows between its download and its
-- finalize, then are emptied (docs/decisions/0001-ledger-at-scale.md). They are
-- UNLOGGED: no write-ahead log for millions of transient rows, which roughly
-- halves the cost of staging and of discarding a run. The price: after a database
-- crash PostgreSQL empties them. The ingest detects that (a run that committed
-- lines but has no staged row left) and stages the file again from its first line
-- (app/sync/bulk.server.ts); the ledger itself is never unlogged.
ALTER TABLE "staged_orders" SET UNLOGGED;
--> statement-breakpoint
ALTER TABLE "staged_agreements" SET UNLOGGED;
--> statement-breakpoint
ALTER TABLE "staged_sales" SET UNLOGGED;
