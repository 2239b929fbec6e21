-- What each sync run's orders document read (app/sync/queries.server.ts ORDERS_LEDGER_VERSION).
-- Every run recorded before this migration is 1: it read no payments or shipping lines (or may
-- not have), so a shop whose last completed orders run is one of them gets a one-time background
-- backfill (app/sync/ledger-backfill.server.ts); runs started from now on write the version.
ALTER TABLE "sync_runs" ADD COLUMN "ledger_version" smallint DEFAULT 1 NOT NULL;
