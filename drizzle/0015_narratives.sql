CREATE TABLE "report_narratives" (
	"shop_id" text NOT NULL,
	"narrative_id" text NOT NULL,
	"report_id" text NOT NULL,
	"source" text NOT NULL,
	"model" text,
	"prompt_version" text NOT NULL,
	"narrative" jsonb NOT NULL,
	"input_json" text NOT NULL,
	"input_hash" text NOT NULL,
	"input_tokens" integer,
	"output_tokens" integer,
	"latency_ms" integer NOT NULL,
	"fallback_reason" text,
	"created_by" text NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "report_narratives_shop_id_narrative_id_pk" PRIMARY KEY("shop_id","narrative_id"),
	CONSTRAINT "report_narratives_source_check" CHECK ("report_narratives"."source" in ('anthropic', 'local'))
);
--> statement-breakpoint
ALTER TABLE "report_narratives" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "shop_settings" (
	"shop_id" text PRIMARY KEY NOT NULL,
	"narrative_daily_limit" integer DEFAULT 20 NOT NULL,
	"weekly_report_enabled" boolean DEFAULT false NOT NULL,
	"weekly_report_weekday" integer DEFAULT 1 NOT NULL,
	"weekly_report_hour" integer DEFAULT 8 NOT NULL,
	"report_email" text,
	"updated_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "shop_settings_limit_check" CHECK ("shop_settings"."narrative_daily_limit" between 1 and 100),
	CONSTRAINT "shop_settings_weekday_check" CHECK ("shop_settings"."weekly_report_weekday" between 0 and 6),
	CONSTRAINT "shop_settings_hour_check" CHECK ("shop_settings"."weekly_report_hour" between 0 and 23)
);
--> statement-breakpoint
ALTER TABLE "shop_settings" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE INDEX "report_narratives_report_idx" ON "report_narratives" USING btree ("shop_id","report_id","created_at");--> statement-breakpoint
CREATE INDEX "report_narratives_created_idx" ON "report_narratives" USING btree ("shop_id","created_at");