/**
 * Reads one order whole — every agreement, every sale — through the paginated
 * Admin API, or says it could not. The ledger replaces an order's sales with
 * what a read returns (finalizeRun removes the sales a read left out), so a
 * partial read would delete real revenue: this module never returns one.
 *
 *  - Agreements page through ORDER_QUERY (3 a page, 25 sales each).
 *  - An agreement with more sales is completed through AGREEMENT_SALES_QUERY,
 *    80 sales a page, addressed by the cursor of the edge before it.
 *  - Every page carries the order's `updatedAt`; if it moves while we read (an
 *    edit between pages), the pages no longer describe one state: the read
 *    starts again from the first page (a few times, then the job retries).
 */
import { AdminApiError, adminGraphql } from "./admin-api.server";
import { AGREEMENT_SALES_QUERY, ORDER_PAYMENTS_QUERY, ORDER_QUERY } from "./queries.server";
import type { AgreementNode, OrderNode, SaleNode } from "./stage.server";
import type { MarginNotesAgreementSalesQuery, MarginNotesOrderQuery } from "~/types/admin.generated";

type OrderPage = MarginNotesOrderQuery;
type AgreementSalesPage = MarginNotesAgreementSalesQuery;
type SalesPage = NonNullable<AgreementSalesPage["order"]>["agreements"]["nodes"][number]["sales"];

export interface OrderRead {
  order: OrderNode;
  agreements: Array<{ agreement: AgreementNode; sales: SaleNode[] }>;
}

type Graphql = <T>(query: string, variables: Record<string, unknown>) => Promise<T>;

/** The order changed (or vanished) between two pages of one read. */
class MovedWhileReading extends Error {}

const ATTEMPTS = 3;

/** The order's whole current state, or null when Shopify does not return it. */
export async function readOrder(shop: string, gid: string, graphql: Graphql = (q, v) => adminGraphql(shop, q, v)): Promise<OrderRead | null> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await readOnce(gid, graphql);
    } catch (error) {
      if (!(error instanceof MovedWhileReading)) throw error;
      // Retryable: the job runs again later and reads the settled state.
      if (attempt >= ATTEMPTS) throw new AdminApiError(`order ${gid} kept changing while it was read`, true);
    }
  }
}

async function readOnce(gid: string, graphql: Graphql): Promise<OrderRead | null> {
  let after: string | null = null;
  let read: OrderRead | null = null;
  for (;;) {
    const page: OrderPage = await graphql<OrderPage>(ORDER_QUERY, { id: gid, after });
    if (!page.order) {
      if (!read) return null;
      throw new MovedWhileReading();
    }
    const { agreements, ...order } = page.order;
    if (!read) read = { order: await completePayments(graphql, gid, order), agreements: [] };
    else if (order.updatedAt !== read.order.updatedAt) throw new MovedWhileReading();

    let before = after; // the cursor of the edge before the current one
    for (const edge of agreements.edges) {
      const { sales, ...agreement } = edge.node;
      const all = [...sales.nodes];
      let salesAfter = sales.pageInfo.hasNextPage ? sales.pageInfo.endCursor : null;
      while (salesAfter) {
        const more = await readMoreSales(graphql, gid, read.order.updatedAt, before, agreement.id, salesAfter);
        all.push(...more.nodes);
        salesAfter = more.pageInfo.hasNextPage ? more.pageInfo.endCursor : null;
      }
      read.agreements.push({ agreement, sales: all });
      before = edge.cursor;
    }
    if (!agreements.pageInfo.hasNextPage) return read;
    after = agreements.pageInfo.endCursor ?? null;
  }
}

async function readMoreSales(
  graphql: Graphql,
  gid: string,
  updatedAt: string,
  agreementAfter: string | null,
  agreementId: string,
  salesAfter: string,
): Promise<SalesPage> {
  const page = await graphql<AgreementSalesPage>(AGREEMENT_SALES_QUERY, { id: gid, agreementAfter, salesAfter });
  const agreement = page.order?.agreements.nodes[0];
  // Anything but the same agreement of the same version means the order moved under us.
  if (!page.order || page.order.updatedAt !== updatedAt || agreement?.id !== agreementId) throw new MovedWhileReading();
  return agreement.sales;
}

/** What the payments part of a page holds (ORDER_QUERY, ORDER_PAYMENTS_QUERY). */
interface PaymentsPart {
  updatedAt: string;
  transactionsCount?: { count: number } | null;
  transactions?: unknown[] | null;
  shippingLines?: { pageInfo?: { hasNextPage: boolean } | null; nodes?: unknown[] | null } | null;
}

/**
 * The order with every transaction and shipping line: ORDER_QUERY's page holds 20
 * and 3; an order with more is read again through ORDER_PAYMENTS_QUERY (100 and
 * 10). The ledger replaces an order's transactions with what a read returns, so a
 * truncated list would delete real fees: more than that is refused, not cut.
 */
async function completePayments<T extends PaymentsPart>(graphql: Graphql, gid: string, order: T): Promise<T> {
  if (!truncated(order)) return order;
  const page = await graphql<{ order: (PaymentsPart & { id: string }) | null }>(ORDER_PAYMENTS_QUERY, { id: gid });
  if (!page.order || page.order.updatedAt !== order.updatedAt) throw new MovedWhileReading();
  const full = { ...order, transactions: page.order.transactions, shippingLines: page.order.shippingLines };
  if (truncated({ ...full, transactionsCount: order.transactionsCount })) {
    throw new AdminApiError(`order ${gid} has more transactions or shipping lines than one read holds`, false);
  }
  return full;
}

const truncated = (o: PaymentsPart): boolean =>
  (o.transactionsCount?.count ?? 0) > (o.transactions?.length ?? 0) || o.shippingLines?.pageInfo?.hasNextPage === true;
