import type { LoaderFunctionArgs } from "@remix-run/node";

import { requireStoreOwner } from "~/data-rights/door.server";
import { exportShopData } from "~/data-rights/export.server";
import { securityHeaders } from "~/security/headers.server";
import { policies, rateLimit } from "~/security/rate-limit.server";

// GET /app/data/export: "Export all my data" (Security page), fetched by App Bridge
// (session token), never a plain link. Owner first, then the limit, then the audited export.
export const loader = async ({ request, context }: LoaderFunctionArgs) => {
  const owner = await requireStoreOwner(request, context);
  await rateLimit(`shop:${owner.shop}:data-export`, policies.dataExport);
  const exported = await exportShopData(owner.shop, owner);
  return new Response(exported.body, {
    status: 200,
    headers: securityHeaders(new Headers({
      "Content-Type": "application/gzip",
      "Content-Disposition": `attachment; filename="${exported.filename}"`,
      "Cache-Control": "no-store",
    })),
  });
};
