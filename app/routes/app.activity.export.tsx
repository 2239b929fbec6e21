import type { LoaderFunctionArgs } from "@remix-run/node";

import { env } from "~/env.server";
import { exportActivityCsv, parseActivityFilter } from "~/security/audit-log.server";
import { requestOrigin } from "~/security/audit.server";
import { securityHeaders } from "~/security/headers.server";
import { policies, rateLimit } from "~/security/rate-limit.server";
import { authenticate } from "~/shopify.server";
import { readShopTimezone } from "~/shops.server";
import { csvAttachmentHeaders } from "~/lib/csv";

// GET /app/activity/export?action=… : the Activity page's CSV download. Fetched by
// App Bridge (which adds the session token), never a plain link. Limited before
// anything is read, so a refused export leaves no audit event.
export const loader = async ({ request, context }: LoaderFunctionArgs) => {
  const { session, sessionToken } = await authenticate.admin(request, context);
  const filter = parseActivityFilter(new URL(request.url).searchParams);
  await rateLimit(`shop:${session.shop}:audit-export`, policies.auditExport);
  const exported = await exportActivityCsv(session.shop, filter, {
    actor: { type: "staff", id: sessionToken.sub },
    origin: requestOrigin(request, env.TRUSTED_PROXY_HOPS),
  }, readShopTimezone);
  return new Response(exported.csv, { status: 200, headers: securityHeaders(csvAttachmentHeaders(exported.filename)) });
};
