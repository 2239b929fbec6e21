CREATE TABLE "cost_recosts" (
	"shop_id" text NOT NULL,
	"recost_id" text NOT NULL,
	"kind" text NOT NULL,
	"status" text NOT NULL,
	"entries" integer NOT NULL,
	"orders_total" integer,
	"orders_done" integer DEFAULT 0 NOT NULL,
	"sales_recosted" integer DEFAULT 0 NOT NULL,
	"error" text,
	"requested_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone,
	CONSTRAINT "cost_recosts_shop_id_recost_id_pk" PRIMARY KEY("shop_id","recost_id"),
	CONSTRAINT "cost_recosts_status_check" CHECK ("cost_recosts"."status" in ('queued', 'running', 'completed', 'failed'))
);
--> statement-breakpoint
ALTER TABLE "cost_recosts" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
-- Existing rows keep a null recorded_at (when they were written is unknown); new rows get now().
ALTER TABLE "cost_history" ADD COLUMN "recorded_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "cost_history" ALTER COLUMN "recorded_at" SET DEFAULT now();--> statement-breakpoint
ALTER TABLE "cost_history" ADD COLUMN "recost_id" text;--> statement-breakpoint
CREATE INDEX "cost_recosts_requested_idx" ON "cost_recosts" USING btree ("shop_id","requested_at");--> statement-breakpoint
CREATE INDEX "cost_history_recost_idx" ON "cost_history" USING btree ("shop_id","recost_id") WHERE recost_id is not null;--> statement-breakpoint
CREATE INDEX "sales_item_idx" ON "sales" USING btree ("shop_id","inventory_item_id","happened_at") WHERE inventory_item_id is not null;--> statement-breakpoint
-- Re-costs of merchant cost edits and imports (app/sync/costs): the page and the job read and write them.
SELECT app_secure_tenant_table('cost_recosts', 'SELECT, INSERT, UPDATE');
