CREATE TABLE "staged_agreements" (
	"shop_id" text NOT NULL,
	"run_id" text NOT NULL,
	"agreement_id" bigint NOT NULL,
	"order_id" bigint NOT NULL,
	"happened_at" timestamp with time zone NOT NULL,
	"reason" text NOT NULL,
	CONSTRAINT "staged_agreements_shop_id_run_id_agreement_id_pk" PRIMARY KEY("shop_id","run_id","agreement_id")
);
--> statement-breakpoint
ALTER TABLE "staged_agreements" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "staged_orders" (
	"shop_id" text NOT NULL,
	"run_id" text NOT NULL,
	"order_id" bigint NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"processed_at" timestamp with time zone,
	"cancelled_at" timestamp with time zone,
	"source_updated_at" timestamp with time zone NOT NULL,
	"test" boolean NOT NULL,
	"currency_code" text NOT NULL,
	CONSTRAINT "staged_orders_shop_id_run_id_order_id_pk" PRIMARY KEY("shop_id","run_id","order_id")
);
--> statement-breakpoint
ALTER TABLE "staged_orders" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "staged_sales" (
	"shop_id" text NOT NULL,
	"run_id" text NOT NULL,
	"sale_id" bigint NOT NULL,
	"agreement_id" bigint NOT NULL,
	"action_type" text NOT NULL,
	"line_type" text NOT NULL,
	"quantity" integer NOT NULL,
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
	"units" integer NOT NULL,
	CONSTRAINT "staged_sales_shop_id_run_id_sale_id_pk" PRIMARY KEY("shop_id","run_id","sale_id")
);
--> statement-breakpoint
ALTER TABLE "staged_sales" ENABLE ROW LEVEL SECURITY;