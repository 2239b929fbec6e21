import { describe, expect, it } from "vitest";

import { AgreementMemory } from "./direct.server";
import { StagedBatch } from "./stage.server";

// Bulk JSONL lines as ORDERS_BULK_QUERY writes them (children carry __parentId).
const order = (id: number, transactions: unknown[] = []) => JSON.stringify({
  id: `gid://shopify/Order/${id}`, createdAt: "2026-03-01T10:00:00Z", processedAt: "2026-03-01T10:00:00Z", cancelledAt: null,
  updatedAt: "2026-03-02T10:00:00Z", test: false, currencyCode: "USD", transactions,
});
const agreement = (id: number, orderId: number) => JSON.stringify({
  id: `gid://shopify/SalesAgreement/${id}`, happenedAt: "2026-03-01T10:00:00Z", reason: "ORDER", __parentId: `gid://shopify/Order/${orderId}`,
});
const sale = (id: number, agreementId: number) => JSON.stringify({
  id: `gid://shopify/Sale/${id}`, actionType: "ORDER", lineType: "SHIPPING", quantity: null,
  totalAmount: { shopMoney: { amount: "5.00" } }, totalDiscountAmountBeforeTaxes: { shopMoney: { amount: "0" } }, totalTaxAmount: { shopMoney: { amount: "0" } },
  __parentId: `gid://shopify/SalesAgreement/${agreementId}`,
});
const sold = {
  id: "gid://shopify/OrderTransaction/9", kind: "SALE", status: "SUCCESS", gateway: "manual", processedAt: "2026-03-01T10:00:00Z",
  createdAt: "2026-03-01T10:00:00Z", amountSet: { shopMoney: { amount: "5.00", currencyCode: "USD" } }, fees: [],
};

function parse(lines: string[], memory?: AgreementMemory) {
  const batch = new StagedBatch(memory);
  for (const line of lines) batch.addBulkLine(line);
  memory?.nextBatch();
  return batch;
}

describe("a direct run's batch (StagedBatch with an AgreementMemory)", () => {
  it("sends a sale whose agreement it has seen to the ledger with the agreement's order, day and reason; the rest to staging", () => {
    const batch = parse([order(1, [sold]), agreement(10, 1), sale(100, 10), sale(200, 20)], new AgreementMemory());
    expect(batch.directSales.data.sale_id).toEqual(["100"]);
    expect(batch.directSales.data.order_id).toEqual(["1"]);
    expect(batch.directSales.data.agreement_reason).toEqual(["ORDER"]);
    expect(batch.directSales.data.happened_at).toEqual(["2026-03-01T10:00:00Z"]);
    // Agreement 20 was never seen: that sale waits in staging for the finalize's join.
    expect(batch.sales.data.sale_id).toEqual(["200"]);
    // Orders and agreements are always staged (the finalize's grouped passes need them); transactions go direct.
    expect(batch.orders.length).toBe(1);
    expect(batch.agreements.length).toBe(1);
    expect(batch.directTransactions.data.transaction_id).toEqual(["9"]);
    expect(batch.transactions.length).toBe(0);
  });

  it("remembers the previous batch's agreements, and no further back (bounded memory)", () => {
    const memory = new AgreementMemory();
    parse([order(1), agreement(10, 1)], memory);
    expect(parse([sale(100, 10)], memory).directSales.length).toBe(1);
    parse([order(2)], memory);
    // Two batches later, agreement 10 is forgotten: its late sale is staged, not lost.
    const late = parse([sale(101, 10)], memory);
    expect(late.directSales.length).toBe(0);
    expect(late.sales.data.sale_id).toEqual(["101"]);
  });

  it("without a memory (a staged run, a live re-read) stages everything, as before", () => {
    const batch = parse([order(1, [sold]), agreement(10, 1), sale(100, 10)]);
    expect(batch.directSales.length + batch.directTransactions.length).toBe(0);
    expect([batch.orders.length, batch.agreements.length, batch.sales.length, batch.transactions.length]).toEqual([1, 1, 1, 1]);
  });
});
