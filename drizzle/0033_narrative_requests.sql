CREATE TABLE "narrative_requests" (
	"shop_id" text NOT NULL,
	"report_id" text NOT NULL,
	"request_id" text NOT NULL,
	"started_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp (3) with time zone,
	"narrative_id" text,
	"notice" text,
	"error_code" text,
	"error_message" text,
	CONSTRAINT "narrative_requests_shop_id_report_id_pk" PRIMARY KEY("shop_id","report_id")
);
--> statement-breakpoint
ALTER TABLE "narrative_requests" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
-- Claimed, finished and taken over by the app under the shop's own role (app/reports/narrate-once.server.ts).
SELECT app_secure_tenant_table('narrative_requests', 'SELECT, INSERT, UPDATE');
