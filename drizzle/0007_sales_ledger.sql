CREATE TABLE "cost_history" (
	"shop_id" text NOT NULL,
	"inventory_item_id" bigint NOT NULL,
	"effective_at" timestamp with time zone NOT NULL,
	"unit_cost" numeric(20, 4),
	"source" text NOT NULL,
	CONSTRAINT "cost_history_shop_id_inventory_item_id_effective_at_pk" PRIMARY KEY("shop_id","inventory_item_id","effective_at")
);
--> statement-breakpoint
ALTER TABLE "cost_history" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "daily_orders" (
	"shop_id" text NOT NULL,
	"day" date NOT NULL,
	"orders" integer DEFAULT 0 NOT NULL,
	"original_net_product" numeric(20, 4) DEFAULT '0' NOT NULL,
	CONSTRAINT "daily_orders_shop_id_day_pk" PRIMARY KEY("shop_id","day")
);
--> statement-breakpoint
ALTER TABLE "daily_orders" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "daily_rollups" (
	"shop_id" text NOT NULL,
	"day" date NOT NULL,
	"product_id" bigint NOT NULL,
	"gross_sales" numeric(20, 4) DEFAULT '0' NOT NULL,
	"discounts" numeric(20, 4) DEFAULT '0' NOT NULL,
	"returns" numeric(20, 4) DEFAULT '0' NOT NULL,
	"shipping" numeric(20, 4) DEFAULT '0' NOT NULL,
	"duties" numeric(20, 4) DEFAULT '0' NOT NULL,
	"fees" numeric(20, 4) DEFAULT '0' NOT NULL,
	"taxes" numeric(20, 4) DEFAULT '0' NOT NULL,
	"tips" numeric(20, 4) DEFAULT '0' NOT NULL,
	"units" integer DEFAULT 0 NOT NULL,
	"cogs" numeric(20, 4) DEFAULT '0' NOT NULL,
	"net_sales_with_cost" numeric(20, 4) DEFAULT '0' NOT NULL,
	"costed_from_backfill" numeric(20, 4) DEFAULT '0' NOT NULL,
	CONSTRAINT "daily_rollups_shop_id_day_product_id_pk" PRIMARY KEY("shop_id","day","product_id")
);
--> statement-breakpoint
ALTER TABLE "daily_rollups" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "orders" (
	"shop_id" text NOT NULL,
	"order_id" bigint NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"placed_at" timestamp with time zone NOT NULL,
	"cancelled_at" timestamp with time zone,
	"test" boolean DEFAULT false NOT NULL,
	"currency_code" text NOT NULL,
	"source_updated_at" timestamp with time zone NOT NULL,
	"original_net_product" numeric(20, 4) DEFAULT '0' NOT NULL,
	CONSTRAINT "orders_shop_id_order_id_pk" PRIMARY KEY("shop_id","order_id")
);
--> statement-breakpoint
ALTER TABLE "orders" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "products" (
	"shop_id" text NOT NULL,
	"product_id" bigint NOT NULL,
	"title" text NOT NULL,
	"source_updated_at" timestamp with time zone,
	CONSTRAINT "products_shop_id_product_id_pk" PRIMARY KEY("shop_id","product_id")
);
--> statement-breakpoint
ALTER TABLE "products" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "sales" (
	"shop_id" text NOT NULL,
	"sale_id" bigint NOT NULL,
	"order_id" bigint NOT NULL,
	"agreement_id" bigint NOT NULL,
	"agreement_reason" text NOT NULL,
	"happened_at" timestamp with time zone NOT NULL,
	"action_type" text NOT NULL,
	"line_type" text NOT NULL,
	"quantity" integer DEFAULT 0 NOT NULL,
	"line_item_id" bigint,
	"product_id" bigint,
	"variant_id" bigint,
	"inventory_item_id" bigint,
	"total_amount" numeric(20, 4) DEFAULT '0' NOT NULL,
	"discount_amount" numeric(20, 4) DEFAULT '0' NOT NULL,
	"tax_amount" numeric(20, 4) DEFAULT '0' NOT NULL,
	"gross_sales" numeric(20, 4) DEFAULT '0' NOT NULL,
	"discounts" numeric(20, 4) DEFAULT '0' NOT NULL,
	"returns" numeric(20, 4) DEFAULT '0' NOT NULL,
	"shipping" numeric(20, 4) DEFAULT '0' NOT NULL,
	"duties" numeric(20, 4) DEFAULT '0' NOT NULL,
	"fees" numeric(20, 4) DEFAULT '0' NOT NULL,
	"taxes" numeric(20, 4) DEFAULT '0' NOT NULL,
	"tips" numeric(20, 4) DEFAULT '0' NOT NULL,
	"units" integer DEFAULT 0 NOT NULL,
	"unit_cost" numeric(20, 4),
	"cost_source" text,
	"cogs" numeric(20, 4),
	CONSTRAINT "sales_shop_id_sale_id_pk" PRIMARY KEY("shop_id","sale_id")
);
--> statement-breakpoint
ALTER TABLE "sales" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "sync_runs" (
	"shop_id" text NOT NULL,
	"run_id" text NOT NULL,
	"kind" text NOT NULL,
	"status" text NOT NULL,
	"bulk_operation_id" text,
	"object_count" bigint,
	"lines_processed" bigint DEFAULT 0 NOT NULL,
	"error" text,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone,
	CONSTRAINT "sync_runs_shop_id_run_id_pk" PRIMARY KEY("shop_id","run_id")
);
--> statement-breakpoint
ALTER TABLE "sync_runs" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "variants" (
	"shop_id" text NOT NULL,
	"variant_id" bigint NOT NULL,
	"product_id" bigint NOT NULL,
	"title" text,
	"sku" text,
	"inventory_item_id" bigint,
	CONSTRAINT "variants_shop_id_variant_id_pk" PRIMARY KEY("shop_id","variant_id")
);
--> statement-breakpoint
ALTER TABLE "variants" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE INDEX "orders_placed_idx" ON "orders" USING btree ("shop_id","placed_at");--> statement-breakpoint
CREATE INDEX "sales_order_idx" ON "sales" USING btree ("shop_id","order_id");--> statement-breakpoint
CREATE INDEX "sales_happened_idx" ON "sales" USING btree ("shop_id","happened_at");--> statement-breakpoint
CREATE INDEX "sync_runs_bulk_idx" ON "sync_runs" USING btree ("shop_id","bulk_operation_id");--> statement-breakpoint
CREATE INDEX "variants_inventory_item_idx" ON "variants" USING btree ("shop_id","inventory_item_id");