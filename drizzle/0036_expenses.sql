CREATE TABLE "custom_costs" (
	"shop_id" text NOT NULL,
	"cost_id" text NOT NULL,
	"name" text NOT NULL,
	"kind" text NOT NULL,
	"amount" numeric(20, 4) NOT NULL,
	"currency_code" text NOT NULL,
	"starts_on" date NOT NULL,
	"ends_on" date,
	"updated_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "custom_costs_shop_id_cost_id_pk" PRIMARY KEY("shop_id","cost_id"),
	CONSTRAINT "custom_costs_kind_check" CHECK ("custom_costs"."kind" in ('monthly', 'one_off')),
	CONSTRAINT "custom_costs_amount_check" CHECK ("custom_costs"."amount" >= 0),
	CONSTRAINT "custom_costs_dates_check" CHECK ("custom_costs"."ends_on" is null or "custom_costs"."ends_on" >= "custom_costs"."starts_on")
);
--> statement-breakpoint
ALTER TABLE "custom_costs" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "gateway_fee_rates" (
	"shop_id" text NOT NULL,
	"rate_id" text NOT NULL,
	"gateway" text NOT NULL,
	"percent" numeric(9, 4) NOT NULL,
	"fixed_amount" numeric(20, 4) NOT NULL,
	"currency_code" text NOT NULL,
	"effective_from" date NOT NULL,
	"updated_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "gateway_fee_rates_shop_id_rate_id_pk" PRIMARY KEY("shop_id","rate_id"),
	CONSTRAINT "gateway_fee_rates_percent_check" CHECK ("gateway_fee_rates"."percent" >= 0 and "gateway_fee_rates"."percent" <= 100),
	CONSTRAINT "gateway_fee_rates_fixed_check" CHECK ("gateway_fee_rates"."fixed_amount" >= 0)
);
--> statement-breakpoint
ALTER TABLE "gateway_fee_rates" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "shipping_cost_rules" (
	"shop_id" text NOT NULL,
	"rule_id" text NOT NULL,
	"kind" text NOT NULL,
	"method" text,
	"amount" numeric(20, 4) NOT NULL,
	"currency_code" text NOT NULL,
	"effective_from" date NOT NULL,
	"effective_to" date,
	"updated_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "shipping_cost_rules_shop_id_rule_id_pk" PRIMARY KEY("shop_id","rule_id"),
	CONSTRAINT "shipping_cost_rules_kind_check" CHECK ("shipping_cost_rules"."kind" in ('per_order', 'per_item', 'per_method_order')),
	CONSTRAINT "shipping_cost_rules_method_check" CHECK (("shipping_cost_rules"."kind" = 'per_method_order') = ("shipping_cost_rules"."method" is not null)),
	CONSTRAINT "shipping_cost_rules_amount_check" CHECK ("shipping_cost_rules"."amount" >= 0),
	CONSTRAINT "shipping_cost_rules_dates_check" CHECK ("shipping_cost_rules"."effective_to" is null or "shipping_cost_rules"."effective_to" >= "shipping_cost_rules"."effective_from")
);
--> statement-breakpoint
ALTER TABLE "shipping_cost_rules" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE UNIQUE INDEX "gateway_fee_rates_gateway_from_idx" ON "gateway_fee_rates" USING btree ("shop_id","gateway","effective_from");--> statement-breakpoint
-- Merchant-entered expenses: the owner adds, edits and deletes rows (app/profit/expenses.server.ts).
SELECT app_secure_tenant_table('gateway_fee_rates', 'SELECT, INSERT, UPDATE, DELETE');
--> statement-breakpoint
SELECT app_secure_tenant_table('shipping_cost_rules', 'SELECT, INSERT, UPDATE, DELETE');
--> statement-breakpoint
SELECT app_secure_tenant_table('custom_costs', 'SELECT, INSERT, UPDATE, DELETE');
