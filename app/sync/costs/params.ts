/**
 * The Costs page's query string and edit form, validated with zod: a bad value is
 * a 400 with a message naming it, never a 500 (app/routes/app.costs.tsx).
 */
import { z } from "zod";

export const COST_PERIODS = { last7: 7, last30: 30, last90: 90, last365: 365 } as const;
export type CostPeriod = keyof typeof COST_PERIODS;

export const CostsParamsSchema = z
  .object({
    filter: z.enum(["all", "missing"], { error: 'filter must be "all" or "missing"' }).default("all"),
    q: z.string().max(100, "The search is longer than 100 characters").default(""),
    page: z.coerce.number({ error: "page must be a whole number" }).int("page must be a whole number").min(1, "page must be 1 or more").max(10_000, "page is too large").default(1),
    period: z.enum(["last7", "last30", "last90", "last365"], { error: "period must be last7, last30, last90 or last365" }).default("last30"),
    variant: z.string().regex(/^\d{1,19}$/, "variant must be a numeric variant id").optional(),
  });
export type CostsParams = z.output<typeof CostsParamsSchema>;

/**
 * The query string as an object (first value of each key). Other keys are ignored, not
 * refused: a document load in the admin carries Shopify's (embedded, shop, host,
 * id_token, …) and a client navigation Remix's (_routes).
 */
export function parseCostsParams(params: URLSearchParams): { ok: true; value: CostsParams } | { ok: false; message: string } {
  const raw: Record<string, string> = {};
  for (const [k, v] of params) if (!(k in raw)) raw[k] = v;
  const parsed = CostsParamsSchema.safeParse(raw);
  if (parsed.success) return { ok: true, value: parsed.data };
  return { ok: false, message: parsed.error.issues.map((i) => i.message).join("; ") };
}

export const CostEditSchema = z
  .object({
    intent: z.literal("edit"),
    variantId: z.string({ error: "variantId is required" }).regex(/^\d{1,19}$/, "variantId must be a numeric variant id"),
    unitCost: z.string({ error: "Enter a unit cost" }).max(40, "The unit cost is too long"),
    effectiveDate: z.string({ error: "Enter the date the cost takes effect" }).max(20, "The date is too long"),
  })
  .strict();
