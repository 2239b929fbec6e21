CREATE TABLE "daily_payment_fees" (
	"shop_id" text NOT NULL,
	"day" date NOT NULL,
	"gateway" text NOT NULL,
	"fees" numeric(20, 4) DEFAULT '0' NOT NULL,
	"fee_transactions" integer DEFAULT 0 NOT NULL,
	"uncovered_amount" numeric(20, 4) DEFAULT '0' NOT NULL,
	"uncovered_transactions" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "daily_payment_fees_shop_id_day_gateway_pk" PRIMARY KEY("shop_id","day","gateway")
);
--> statement-breakpoint
ALTER TABLE "daily_payment_fees" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "daily_shipping" (
	"shop_id" text NOT NULL,
	"day" date NOT NULL,
	"method" text NOT NULL,
	"orders" integer DEFAULT 0 NOT NULL,
	"units" integer DEFAULT 0 NOT NULL,
	"lines" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "daily_shipping_shop_id_day_method_pk" PRIMARY KEY("shop_id","day","method")
);
--> statement-breakpoint
ALTER TABLE "daily_shipping" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "order_transactions" (
	"shop_id" text NOT NULL,
	"transaction_id" bigint NOT NULL,
	"order_id" bigint NOT NULL,
	"kind" text NOT NULL,
	"status" text NOT NULL,
	"gateway" text NOT NULL,
	"processed_at" timestamp with time zone NOT NULL,
	"amount" numeric(20, 4) NOT NULL,
	"fee" numeric(20, 4),
	"currency_code" text NOT NULL,
	CONSTRAINT "order_transactions_shop_id_transaction_id_pk" PRIMARY KEY("shop_id","transaction_id")
);
--> statement-breakpoint
ALTER TABLE "order_transactions" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "staged_shipping_lines" (
	"shop_id" text NOT NULL,
	"run_id" text NOT NULL,
	"order_id" bigint NOT NULL,
	"method" text NOT NULL,
	CONSTRAINT "staged_shipping_lines_run_id_order_id_method_pk" PRIMARY KEY("run_id","order_id","method")
);
--> statement-breakpoint
ALTER TABLE "staged_shipping_lines" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "staged_transactions" (
	"shop_id" text NOT NULL,
	"run_id" text NOT NULL,
	"transaction_id" bigint NOT NULL,
	"order_id" bigint NOT NULL,
	"kind" text NOT NULL,
	"status" text NOT NULL,
	"gateway" text NOT NULL,
	"processed_at" timestamp with time zone NOT NULL,
	"amount" numeric(20, 4) NOT NULL,
	"fee" numeric(20, 4),
	"currency_code" text NOT NULL,
	CONSTRAINT "staged_transactions_run_id_transaction_id_pk" PRIMARY KEY("run_id","transaction_id")
);
--> statement-breakpoint
ALTER TABLE "staged_transactions" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "shipping_methods" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
CREATE INDEX "order_transactions_order_idx" ON "order_transactions" USING btree ("shop_id","order_id");--> statement-breakpoint
-- Payment transactions and fees, shipping methods (issue 14): tenant data, RLS forced.
-- Shops synced before this migration have none until their next full sync.
SELECT app_secure_tenant_table('order_transactions', 'SELECT, INSERT, UPDATE, DELETE');
--> statement-breakpoint
SELECT app_secure_tenant_table('daily_payment_fees', 'SELECT, INSERT, UPDATE, DELETE');
--> statement-breakpoint
SELECT app_secure_tenant_table('daily_shipping', 'SELECT, INSERT, UPDATE, DELETE');
--> statement-breakpoint
SELECT app_secure_tenant_table('staged_transactions', 'SELECT, INSERT, DELETE');
--> statement-breakpoint
SELECT app_secure_tenant_table('staged_shipping_lines', 'SELECT, INSERT, DELETE');
--> statement-breakpoint
-- Staging is transient and UNLOGGED like the other staged tables (0020, decision 0001).
ALTER TABLE "staged_transactions" SET UNLOGGED;
--> statement-breakpoint
ALTER TABLE "staged_shipping_lines" SET UNLOGGED;
