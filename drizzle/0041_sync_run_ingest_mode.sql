-- How an orders run's bulk file reaches the ledger (app/sync/direct.server.ts): "direct" when
-- its ingest started on a shop whose ledger held no order, "staged" otherwise. Decided once, at
-- the run's first ingest, and kept across resumes; runs already under way stay null (staged).
ALTER TABLE "sync_runs" ADD COLUMN "ingest_mode" text;
