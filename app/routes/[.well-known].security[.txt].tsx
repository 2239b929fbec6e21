import type { LoaderFunctionArgs } from "@remix-run/node";

import { securityTxtResponse } from "~/trust/trust-page.server";

// RFC 9116, generated per request so that Expires is never stale (app/trust/security-txt.ts).
export const loader = ({ request, context }: LoaderFunctionArgs) => securityTxtResponse(request, context);
