import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";

import { loadOrderBlock } from "~/reports/admin-blocks.server";
import { serveAdminBlock } from "~/security/extension-door.server";
import { authenticate } from "~/shopify.server";

// GET /api/extensions/order/:id (an Order GID, URL-encoded, or its number): the
// order-details admin block's figures (extensions/order-margin). The browser's CORS
// preflight (OPTIONS) reaches the action; the door answers both.
const serve = ({ request, context, params }: LoaderFunctionArgs | ActionFunctionArgs) =>
  serveAdminBlock(request, context, authenticate.admin, { kind: "Order", rawId: params.id, load: loadOrderBlock });

export const loader = serve;
export const action = serve;
