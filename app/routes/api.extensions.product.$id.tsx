import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";

import { loadProductBlock } from "~/reports/admin-blocks.server";
import { serveAdminBlock } from "~/security/extension-door.server";
import { authenticate } from "~/shopify.server";

// GET /api/extensions/product/:id (a Product GID, URL-encoded, or its number): the
// product-details admin block's figures (extensions/product-margin). The browser's
// CORS preflight (OPTIONS) reaches the action; the door answers both.
const serve = ({ request, context, params }: LoaderFunctionArgs | ActionFunctionArgs) =>
  serveAdminBlock(request, context, authenticate.admin, { kind: "Product", rawId: params.id, load: (shop, id) => loadProductBlock(shop, id) });

export const loader = serve;
export const action = serve;
