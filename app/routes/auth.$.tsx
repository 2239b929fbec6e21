import type { LoaderFunctionArgs } from "@remix-run/node";

import { refuse } from "~/security/request-guards.server";
import { authenticate } from "~/shopify.server";

// Shopify's reserved auth paths (/auth/session-token, /auth/exit-iframe, …): the
// library answers them by throwing a Response. Any other path under /auth is not ours.
export const loader = async ({ request, context }: LoaderFunctionArgs) => {
  await authenticate.admin(request, context);
  return refuse(404, "Not Found");
};
