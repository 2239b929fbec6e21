-- Staged rows are keyed by (run_id, id): run ids are server-made and unique across
-- shops (a UUID, or order-<id>-<UUID> for a live re-read), so shop_id (still on
-- every row, for row level security) no longer widens every index entry. Smaller
-- keys make staging cheaper (docs/decisions/0001-ledger-at-scale.md).
ALTER TABLE "staged_agreements" DROP CONSTRAINT "staged_agreements_shop_id_run_id_agreement_id_pk";--> statement-breakpoint
ALTER TABLE "staged_orders" DROP CONSTRAINT "staged_orders_shop_id_run_id_order_id_pk";--> statement-breakpoint
ALTER TABLE "staged_sales" DROP CONSTRAINT "staged_sales_shop_id_run_id_sale_id_pk";--> statement-breakpoint
ALTER TABLE "staged_agreements" ADD CONSTRAINT "staged_agreements_run_id_agreement_id_pk" PRIMARY KEY("run_id","agreement_id");--> statement-breakpoint
ALTER TABLE "staged_orders" ADD CONSTRAINT "staged_orders_run_id_order_id_pk" PRIMARY KEY("run_id","order_id");--> statement-breakpoint
ALTER TABLE "staged_sales" ADD CONSTRAINT "staged_sales_run_id_sale_id_pk" PRIMARY KEY("run_id","sale_id");