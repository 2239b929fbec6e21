CREATE TABLE "reports" (
	"shop_id" text NOT NULL,
	"report_id" text NOT NULL,
	"period_from" date NOT NULL,
	"period_to" date NOT NULL,
	"compare_from" date,
	"compare_to" date,
	"currency_code" text NOT NULL,
	"data" jsonb NOT NULL,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "reports_shop_id_report_id_pk" PRIMARY KEY("shop_id","report_id")
);
--> statement-breakpoint
ALTER TABLE "reports" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE INDEX "reports_created_idx" ON "reports" USING btree ("shop_id","created_at");