ALTER TABLE "daily_rollups" ADD COLUMN "lines" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "daily_totals" ADD COLUMN "lines" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "monthly_rollups" ADD COLUMN "lines" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
-- Existing rollups: count the sales each row sums, exactly as rollupSteps now does
-- (non-test orders' sales by the shop's local day and product). Forced RLS filters
-- even the owner, so as app_system.
SET LOCAL ROLE app_system;
--> statement-breakpoint
UPDATE daily_rollups d SET lines = x.n
FROM (
  SELECT s.shop_id, (s.happened_at AT TIME ZONE sh.iana_timezone)::date AS day, coalesce(s.product_id, 0) AS product_id, count(*)::int AS n
  FROM sales s
  JOIN orders o ON o.shop_id = s.shop_id AND o.order_id = s.order_id AND NOT o.test
  JOIN shops sh ON sh.shop_id = s.shop_id
  GROUP BY 1, 2, 3
) x
WHERE d.shop_id = x.shop_id AND d.day = x.day AND d.product_id = x.product_id;
--> statement-breakpoint
UPDATE daily_totals t SET lines = x.n
FROM (SELECT shop_id, day, sum(lines)::int AS n FROM daily_rollups GROUP BY 1, 2) x
WHERE t.shop_id = x.shop_id AND t.day = x.day;
--> statement-breakpoint
UPDATE monthly_rollups m SET lines = x.n
FROM (SELECT shop_id, date_trunc('month', day::timestamp)::date AS month, product_id, sum(lines)::int AS n FROM daily_rollups GROUP BY 1, 2, 3) x
WHERE m.shop_id = x.shop_id AND m.month = x.month AND m.product_id = x.product_id;
--> statement-breakpoint
RESET ROLE;
