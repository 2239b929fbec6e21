ALTER TABLE "sync_runs" ADD COLUMN "root_object_count" bigint;--> statement-breakpoint
ALTER TABLE "sync_runs" ADD COLUMN "roots_processed" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "sync_runs" ADD COLUMN "ingest_started_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "sync_runs" ADD COLUMN "ingest_started_lines" bigint;