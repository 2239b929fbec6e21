import type { LoaderFunctionArgs } from "@remix-run/node";

import { env } from "~/env.server";
import { exportReportCsv } from "~/reports/export.server";
import { exportSourceFromParams } from "~/reports/params.server";
import { requestOrigin } from "~/security/audit.server";
import { securityHeaders } from "~/security/headers.server";
import { policies, rateLimit } from "~/security/rate-limit.server";
import { requireShop } from "~/shops.server";
import { authenticate } from "~/shopify.server";
import { csvAttachmentHeaders } from "~/lib/csv";

// GET /app/reports/export?from=&to=&compare= (or ?preset=, or ?reportId=): a report
// as CSV. Fetched through App Bridge (which adds the session token), never a plain
// link. Bad params are refused before the limit counts them; the limit is checked
// before anything is read, so a refused export leaves no audit event.
export const loader = async ({ request, context }: LoaderFunctionArgs) => {
  const { session, sessionToken, admin } = await authenticate.admin(request, context);
  const shop = await requireShop(session.shop, session.scope, admin);
  const source = exportSourceFromParams(new URL(request.url).searchParams, shop);
  await rateLimit(`shop:${session.shop}:report-export`, policies.export);
  const exported = await exportReportCsv(session.shop, source, {
    actor: { type: "staff", id: sessionToken.sub },
    origin: requestOrigin(request, env.TRUSTED_PROXY_HOPS),
  });
  return new Response(exported.csv, { status: 200, headers: securityHeaders(csvAttachmentHeaders(exported.filename)) });
};
