/**
 * Shopify's token exchange for ONLINE access tokens, which the simulator does not
 * issue (it only issues the app's expiring offline tokens). Answers as Shopify
 * documents it: an online token plus `associated_user`, whose `account_owner` says
 * whether the staff member is the store owner. Other token requests fall through to
 * the simulator. Install after startSimulator() (msw tries the newest handler first).
 */
import { http, HttpResponse } from "msw";

import { mswServer } from "./msw-server";
import { verifySessionToken } from "./shopify/session-token";

const ONLINE = "urn:shopify:params:oauth:token-type:online-access-token";

export interface OnlineTokenOptions {
  apiKey: string;
  apiSecret: string;
  /** Staff user ids (the session token's `sub`) that own their store. */
  owners: string[];
  /** Answer every online exchange with this status instead (Shopify down). */
  failWith?: number;
}

export function mockOnlineTokenExchange({ apiKey, apiSecret, owners, failWith }: OnlineTokenOptions) {
  const calls: Array<{ shop: string; sub: string | null }> = [];
  mswServer.use(
    http.post("https://*.myshopify.com/admin/oauth/access_token", async ({ request }) => {
      const body = (await request.clone().json()) as Record<string, string>;
      if (body.requested_token_type !== ONLINE) return undefined;
      const shop = new URL(request.url).hostname;
      const subject = verifySessionToken(body.subject_token ?? "", apiKey, apiSecret);
      calls.push({ shop, sub: subject?.sub ?? null });
      if (failWith) return HttpResponse.json({ error: "server_error" }, { status: failWith });
      if (body.client_id !== apiKey || body.client_secret !== apiSecret) return HttpResponse.json({ error: "invalid_client" }, { status: 401 });
      if (!subject || subject.shop !== shop) return HttpResponse.json({ error: "invalid_subject_token" }, { status: 400 });
      return HttpResponse.json({
        access_token: `shpua_${"0".repeat(32)}`,
        scope: "read_orders,read_products",
        expires_in: 86_399,
        associated_user_scope: "read_orders,read_products",
        associated_user: {
          id: Number(subject.sub),
          first_name: "Staff",
          last_name: `Member ${subject.sub}`,
          email: `staff-${subject.sub}@example.com`,
          email_verified: true,
          account_owner: owners.includes(subject.sub),
          locale: "en",
          collaborator: false,
        },
      });
    }),
  );
  return { calls };
}
