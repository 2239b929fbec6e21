import type { LoaderFunctionArgs } from "@remix-run/node";

import { csvAttachmentHeaders } from "~/lib/csv";
import { securityHeaders } from "~/security/headers.server";
import { policies, rateLimit } from "~/security/rate-limit.server";
import { refuse } from "~/security/request-guards.server";
import { authenticate } from "~/shopify.server";
import { costCsvLines } from "~/sync/costs/cost-csv";
import { readCostExport } from "~/sync/costs/costs-page.server";

// GET /app/costs/export: every variant's current unit cost as CSV, the import's
// format (README, "Costs"). Fetched through App Bridge (it adds the session token).
export const loader = async ({ request, context }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request, context);
  await rateLimit(`shop:${session.shop}:cost-export`, policies.export);
  const exported = await readCostExport(session.shop);
  if (!exported) throw refuse(503, "The store is not set up yet; reload the app.");
  const csv = [...costCsvLines(exported.rows, exported.currency)].join("");
  return new Response(csv, { status: 200, headers: securityHeaders(csvAttachmentHeaders("margin-notes-costs.csv")) });
};
