-- Report rollups (daily_totals, monthly_rollups) are tenant data: RLS forced, one shop per transaction.
SELECT app_secure_tenant_table('daily_totals', 'SELECT, INSERT, UPDATE, DELETE');
--> statement-breakpoint
SELECT app_secure_tenant_table('monthly_rollups', 'SELECT, INSERT, UPDATE, DELETE');
--> statement-breakpoint
-- Existing shops: derive both from the daily rollups already held (exactly what
-- rollupSteps would write). Forced RLS filters even the owner, so as app_system.
SET LOCAL ROLE app_system;
--> statement-breakpoint
INSERT INTO daily_totals (shop_id, day, gross_sales, discounts, returns, shipping, duties, fees, taxes, tips, units, cogs,
                          net_sales_with_cost, costed_from_backfill)
SELECT shop_id, day, sum(gross_sales), sum(discounts), sum(returns), sum(shipping), sum(duties), sum(fees), sum(taxes),
  sum(tips), sum(units), sum(cogs), sum(net_sales_with_cost), sum(costed_from_backfill)
FROM daily_rollups GROUP BY shop_id, day;
--> statement-breakpoint
INSERT INTO monthly_rollups (shop_id, month, product_id, gross_sales, discounts, returns, shipping, duties, fees, taxes, tips,
                             units, cogs, net_sales_with_cost, costed_from_backfill)
SELECT shop_id, date_trunc('month', day::timestamp)::date, product_id, sum(gross_sales), sum(discounts), sum(returns), sum(shipping),
  sum(duties), sum(fees), sum(taxes), sum(tips), sum(units), sum(cogs), sum(net_sales_with_cost), sum(costed_from_backfill)
FROM daily_rollups GROUP BY shop_id, date_trunc('month', day::timestamp)::date, product_id;
--> statement-breakpoint
RESET ROLE;
