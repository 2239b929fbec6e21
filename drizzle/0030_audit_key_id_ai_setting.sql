ALTER TABLE "audit_events" ADD COLUMN "key_id" text;--> statement-breakpoint
ALTER TABLE "shop_settings" ADD COLUMN "ai_enabled" boolean DEFAULT true NOT NULL;