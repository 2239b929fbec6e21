import { randomBytes } from "node:crypto";

/** A unique shop domain per call, so tests never see each other's rows. */
export function newShop(prefix = "shop"): string {
  return `${prefix}-${randomBytes(5).toString("hex")}.myshopify.com`;
}
