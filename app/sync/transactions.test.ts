import { describe, expect, it } from "vitest";

import { numericId } from "./stage.server";
import { shippingMethods, transactionRow, type TransactionNode } from "./transactions";

const tx = (over: Partial<TransactionNode>): TransactionNode => ({
  id: "gid://shopify/OrderTransaction/7",
  kind: "SALE",
  status: "SUCCESS",
  gateway: "shopify_payments",
  processedAt: "2026-03-01T10:00:00Z",
  createdAt: "2026-03-01T09:59:00Z",
  amountSet: { shopMoney: { amount: "100.00", currencyCode: "EUR" } },
  fees: [{ amount: { amount: "2.90", currencyCode: "EUR" }, taxAmount: { amount: "0.55", currencyCode: "EUR" } }],
  ...over,
});

describe("transactionRow", () => {
  it("keeps a successful sale with Shopify's fee plus the tax on it, exactly", () => {
    expect(transactionRow(tx({}), numericId)).toEqual({
      transactionId: "7", kind: "SALE", status: "SUCCESS", gateway: "shopify_payments", processedAt: "2026-03-01T10:00:00Z",
      amount: "100.00", fee: "3.45", currencyCode: "EUR",
    });
    const many = tx({ fees: [{ amount: { amount: "0.1", currencyCode: "EUR" } }, { amount: { amount: "0.2", currencyCode: "EUR" } }] });
    expect(transactionRow(many, numericId)?.fee).toBe("0.3");
  });

  it("leaves out what moved no money: authorizations, voids, suggested refunds, change, and anything not successful", () => {
    for (const kind of ["AUTHORIZATION", "VOID", "SUGGESTED_REFUND", "CHANGE", "EMV_AUTHORIZATION"]) expect(transactionRow(tx({ kind }), numericId)).toBeNull();
    for (const status of ["PENDING", "FAILURE", "ERROR", "AWAITING_RESPONSE", "UNKNOWN"]) expect(transactionRow(tx({ status }), numericId)).toBeNull();
    expect(transactionRow(tx({ kind: "CAPTURE" }), numericId)?.kind).toBe("CAPTURE");
  });

  it("marks a sale without fee entries as without fee data (null), never as a zero fee", () => {
    expect(transactionRow(tx({ gateway: "manual", fees: [] }), numericId)?.fee).toBeNull();
    expect(transactionRow(tx({ gateway: null, fees: [] }), numericId)?.gateway).toBe("unknown");
  });

  it("books a refund without fees as 0 (the original fee is not returned) and a refund's fees as returned", () => {
    expect(transactionRow(tx({ kind: "REFUND", fees: [] }), numericId)?.fee).toBe("0");
    expect(transactionRow(tx({ kind: "REFUND" }), numericId)?.fee).toBe("-3.45");
  });

  it("does not add a fee in another currency: a sale has no fee data, a refund fee 0", () => {
    const usd = [{ amount: { amount: "3.00", currencyCode: "USD" } }];
    expect(transactionRow(tx({ fees: usd }), numericId)?.fee).toBeNull();
    expect(transactionRow(tx({ kind: "REFUND", fees: usd }), numericId)?.fee).toBe("0");
  });

  it("falls back to createdAt without processedAt and refuses bad money, naming it", () => {
    expect(transactionRow(tx({ processedAt: null }), numericId)?.processedAt).toBe("2026-03-01T09:59:00Z");
    expect(() => transactionRow(tx({ amountSet: { shopMoney: { amount: "1e5", currencyCode: "EUR" } } }), numericId)).toThrow(/not a money amount/);
    expect(() => transactionRow(tx({ fees: [{ amount: { amount: "abc", currencyCode: "EUR" } }] }), numericId)).toThrow(/not a money amount/);
  });
});

describe("shippingMethods", () => {
  it("is the distinct, sorted titles, blanks left out", () => {
    expect(shippingMethods([{ title: "Standard" }, { title: "Express " }, { title: "Standard" }, { title: " " }])).toEqual(["Express", "Standard"]);
    expect(shippingMethods([])).toEqual([]);
  });
});
