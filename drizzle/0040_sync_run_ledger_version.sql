-- What each sync run's orders document read (app/sync/queries.server.ts ORDERS_LEDGER_VERSION).
-- Every run recorded before this migration is 1: it read no payments or shipping lines (or may
-- not have), so a shop whose last completed orders run is one of them gets a one-time background
-- backfill (app/sync/ledger-backfill.server.ts). Rows written from now on are 2 unless they say
-- otherwise (the bulk start writes the version itself).
ALTER TABLE "sync_runs" ADD COLUMN "ledger_version" smallint DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "sync_runs" ALTER COLUMN "ledger_version" SET DEFAULT 2;
