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
import { AGREEMENT_SALES_QUERY, ORDER_QUERY } from "./queries.server";
import type { AgreementNode, OrderNode, SaleNode } from "./stage.server";

interface PageInfo { hasNextPage: boolean; endCursor: string | null }
interface SalesPage { pageInfo: PageInfo; nodes: SaleNode[] }
interface OrderPage {
  order: (OrderNode & {
    agreements: { pageInfo: PageInfo; edges: Array<{ cursor: string; node: AgreementNode & { sales: SalesPage } }> };
  }) | null;
}
interface AgreementSalesPage {
  order: { id: string; updatedAt: string; agreements: { nodes: Array<{ id: string; sales: SalesPage }> } } | null;
}

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
    if (!read) read = { order, agreements: [] };
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
    after = agreements.pageInfo.endCursor;
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
