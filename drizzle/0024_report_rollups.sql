CREATE TABLE "daily_totals" (
	"shop_id" text NOT NULL,
	"day" date NOT NULL,
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
	CONSTRAINT "daily_totals_shop_id_day_pk" PRIMARY KEY("shop_id","day")
);
--> statement-breakpoint
ALTER TABLE "daily_totals" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "monthly_rollups" (
	"shop_id" text NOT NULL,
	"month" date NOT NULL,
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
	CONSTRAINT "monthly_rollups_shop_id_month_product_id_pk" PRIMARY KEY("shop_id","month","product_id"),
	CONSTRAINT "monthly_rollups_month_check" CHECK (extract(day from "monthly_rollups"."month") = 1)
);
--> statement-breakpoint
ALTER TABLE "monthly_rollups" ENABLE ROW LEVEL SECURITY;