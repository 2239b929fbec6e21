/**
 * Binds a signed delivery to its body. Shopify's HMAC covers the body only: the
 * X-Shopify-Shop-Domain and X-Shopify-Topic headers are not signed, so a captured body
 * could be re-sent with another shop or another topic in them (a customers/data_request
 * body re-aimed as shop/redact would erase a shop). A delivery is accepted only when:
 *
 *  - every field of the body that names a shop (`shop_domain`, `myshopify_domain`, and
 *    `domain` when it is a myshopify domain) names the header's shop;
 *  - the body has the shape of the header's topic: its required fields, the gid kind
 *    of `admin_graphql_api_id`, and none of the fields that identify another compliance
 *    topic (`customer`, `orders_requested`, `orders_to_redact`, `data_request`).
 *
 * `shop_id` (Shopify's numeric id; app/uninstalled's `id`) is checked against the id
 * recorded at sign-in by verify.server.ts (shopIdInBody below says where it is).
 *
 * The schemas here are the only payload schemas: handle.server.ts reads bound payloads.
 */
import { z } from "zod";

import { isShopDomain } from "~/db/tenant.server";

const positiveId = z.number().int().positive();

/** Fields that make a body one compliance topic and not another. */
const COMPLIANCE_KEYS = ["customer", "orders_requested", "orders_to_redact", "data_request"] as const;

/** Refuses bodies that carry a field of another topic: the shapes overlap otherwise. */
function without<T extends z.ZodTypeAny>(schema: T, keys: readonly string[]) {
  return schema.superRefine((value, ctx) => {
    for (const key of keys) {
      if (value && typeof value === "object" && key in value) {
        ctx.addIssue({ code: "custom", path: [key], message: "belongs to another topic" });
      }
    }
  });
}

/** `admin_graphql_api_id` must be a gid of this kind; with `id`, for that very id. */
const gid = (kind: string) => z.string().regex(new RegExp(`^gid://shopify/${kind}/\\d+$`), `must be a ${kind} gid`);
const sameId = (p: { id?: number; admin_graphql_api_id: string }) => p.id === undefined || p.admin_graphql_api_id.endsWith(`/${p.id}`);
const idMatchesGid = { message: "id does not match admin_graphql_api_id", path: ["id"] };

// app/uninstalled sends the Shop resource.
const ShopPayload = without(z.object({ id: positiveId, myshopify_domain: z.string() }).passthrough(), COMPLIANCE_KEYS);
const ScopesUpdatePayload = without(
  z.object({ current: z.array(z.string()), previous: z.array(z.string()).optional() }).passthrough(),
  COMPLIANCE_KEYS,
);
const ShopRedactPayload = without(z.object({ shop_id: positiveId, shop_domain: z.string() }).passthrough(), COMPLIANCE_KEYS);
const CustomersRedactPayload = without(
  z.object({
    shop_id: positiveId,
    shop_domain: z.string(),
    customer: z.object({ id: z.number() }).passthrough(),
    orders_to_redact: z.array(z.number()).default([]),
  }).passthrough(),
  ["orders_requested", "data_request"],
);
const CustomersDataRequestPayload = without(
  z.object({
    shop_id: positiveId,
    shop_domain: z.string(),
    customer: z.object({ id: z.number() }).passthrough(),
    orders_requested: z.array(z.number()).default([]),
    data_request: z.object({ id: z.number() }).passthrough().optional(),
  }).passthrough(),
  ["orders_to_redact"],
);
// Webhook payloads are REST-shaped; we read ids, timestamps and costs, nothing else.
// (Order bodies may carry a `customer`: it is never read.)
const OrderPayload = without(
  z.object({ id: positiveId, admin_graphql_api_id: gid("Order") }).passthrough().refine(sameId, idMatchesGid),
  ["orders_requested", "orders_to_redact", "data_request"],
);
// orders/delete sends only the id: "Deleted objects are not available in the API.
// The order ID is the only detail you can get when an order is deleted."
// (help.shopify.com/en/manual/shopify-flow/reference/triggers/order-deleted;
// shopify.dev/docs/api/webhooks?reference=toml#list-of-topics-orders/delete).
const OrderDeletePayload = without(z.object({ id: positiveId }).passthrough(), COMPLIANCE_KEYS);
const RefundPayload = without(
  z.object({ id: positiveId, order_id: positiveId, admin_graphql_api_id: gid("Refund") }).passthrough().refine(sameId, idMatchesGid),
  COMPLIANCE_KEYS,
);
const ProductUpdatePayload = without(
  z.object({
    id: positiveId,
    admin_graphql_api_id: gid("Product"),
    title: z.string(),
    updated_at: z.string(),
    variants: z.array(z.object({
      id: positiveId,
      title: z.string().nullish(),
      sku: z.string().nullish(),
      inventory_item_id: positiveId.nullish(),
    })).optional(),
  }).refine(sameId, idMatchesGid),
  COMPLIANCE_KEYS,
);
const InventoryItemPayload = without(
  z.object({
    id: positiveId,
    admin_graphql_api_id: gid("InventoryItem"),
    cost: z.string().regex(/^-?\d+(\.\d+)?$/).nullable(),
    updated_at: z.string(),
  }).refine(sameId, idMatchesGid),
  COMPLIANCE_KEYS,
);
const BulkFinishPayload = without(
  z.object({
    admin_graphql_api_id: gid("BulkOperation"),
    status: z.string(),
    error_code: z.string().nullable().optional().transform((v) => v ?? null),
  }),
  COMPLIANCE_KEYS,
);

/** Every topic we act on, by the library's normalised name. */
export const topicSchemas = {
  APP_UNINSTALLED: ShopPayload,
  // shop/update sends the Shop resource too; only "which shop" is read (the job re-reads the profile).
  SHOP_UPDATE: ShopPayload,
  APP_SCOPES_UPDATE: ScopesUpdatePayload,
  SHOP_REDACT: ShopRedactPayload,
  CUSTOMERS_REDACT: CustomersRedactPayload,
  CUSTOMERS_DATA_REQUEST: CustomersDataRequestPayload,
  ORDERS_CREATE: OrderPayload,
  ORDERS_UPDATED: OrderPayload,
  ORDERS_CANCELLED: OrderPayload,
  ORDERS_DELETE: OrderDeletePayload,
  REFUNDS_CREATE: RefundPayload,
  PRODUCTS_UPDATE: ProductUpdatePayload,
  INVENTORY_ITEMS_UPDATE: InventoryItemPayload,
  BULK_OPERATIONS_FINISH: BulkFinishPayload,
} as const;
export type BoundTopic = keyof typeof topicSchemas;
export type TopicPayload<T extends BoundTopic> = z.output<(typeof topicSchemas)[T]>;

export const isBoundTopic = (topic: string): topic is BoundTopic => Object.hasOwn(topicSchemas, topic);

/** Top-level fields that name the shop a body is about. */
const SHOP_FIELDS = ["shop_domain", "myshopify_domain", "domain"] as const;

export type Binding =
  | { ok: true; payload: unknown }
  | { ok: false; reason: "shop_mismatch" | "topic_mismatch"; detail: string; claimedShop?: string };

/** Where a bound body names its shop by Shopify id: `shop_id`, or the Shop resource's own `id` (app/uninstalled). */
export function shopIdInBody(topic: string, payload: unknown): number | null {
  if (!payload || typeof payload !== "object") return null;
  const body = payload as Record<string, unknown>;
  const value = topic === "APP_UNINSTALLED" ? body.id : body.shop_id;
  return typeof value === "number" && Number.isSafeInteger(value) && value > 0 ? value : null;
}

/** Checks a parsed, signed body against the (unsigned) shop and topic headers. */
export function bindDelivery(topic: string, shop: string, payload: unknown): Binding {
  if (!payload || typeof payload !== "object" || Array.isArray(payload)) {
    return { ok: false, reason: "topic_mismatch", detail: "payload is not a JSON object" };
  }
  const body = payload as Record<string, unknown>;
  for (const field of SHOP_FIELDS) {
    const value = body[field];
    if (value === undefined || value === null) continue;
    // `domain` is the shop's primary domain: a custom one names no other shop.
    if (field === "domain" && !(typeof value === "string" && isShopDomain(value.toLowerCase()))) continue;
    if (value !== shop) {
      return {
        ok: false,
        reason: "shop_mismatch",
        detail: `${field} does not name the shop in X-Shopify-Shop-Domain`,
        claimedShop: typeof value === "string" ? value : undefined,
      };
    }
  }
  if (!isBoundTopic(topic)) return { ok: true, payload };
  const parsed = topicSchemas[topic].safeParse(payload);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ");
    return { ok: false, reason: "topic_mismatch", detail: `payload does not fit ${topic}: ${issues}`.slice(0, 500) };
  }
  return { ok: true, payload: parsed.data };
}
