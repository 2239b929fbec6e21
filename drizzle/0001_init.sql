CREATE TABLE "sessions" (
	"id" text PRIMARY KEY NOT NULL,
	"shop_id" text NOT NULL,
	"state" text NOT NULL,
	"is_online" boolean DEFAULT false NOT NULL,
	"scope" text,
	"expires" timestamp with time zone,
	"user_id" bigint,
	"account_owner" boolean,
	"access_token" text NOT NULL,
	"refresh_token" text,
	"refresh_token_expires" timestamp with time zone,
	"token_kid" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "shops" (
	"shop_id" text PRIMARY KEY NOT NULL,
	"name" text,
	"currency_code" text NOT NULL,
	"iana_timezone" text NOT NULL,
	"scopes" text,
	"installed_at" timestamp with time zone DEFAULT now() NOT NULL,
	"uninstalled_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "shops" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE INDEX "sessions_shop_idx" ON "sessions" USING btree ("shop_id");--> statement-breakpoint
CREATE INDEX "sessions_kid_idx" ON "sessions" USING btree ("token_kid");