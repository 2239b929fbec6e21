ALTER TABLE "staged_sales" DROP COLUMN "gross_sales";--> statement-breakpoint
ALTER TABLE "staged_sales" DROP COLUMN "discounts";--> statement-breakpoint
ALTER TABLE "staged_sales" DROP COLUMN "returns";--> statement-breakpoint
ALTER TABLE "staged_sales" DROP COLUMN "shipping";--> statement-breakpoint
ALTER TABLE "staged_sales" DROP COLUMN "duties";--> statement-breakpoint
ALTER TABLE "staged_sales" DROP COLUMN "fees";--> statement-breakpoint
ALTER TABLE "staged_sales" DROP COLUMN "taxes";--> statement-breakpoint
ALTER TABLE "staged_sales" DROP COLUMN "tips";--> statement-breakpoint
ALTER TABLE "staged_sales" DROP COLUMN "units";