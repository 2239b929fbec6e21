import type { ActionFunctionArgs } from "@remix-run/node";

import { log } from "~/log.server";
import { securityHeaders } from "~/security/headers.server";
import { handleWebhook, WebhookPayloadError } from "~/webhooks/handle.server";
import { verifyWebhook } from "~/webhooks/verify.server";

const reply = (status: number, body = "") => new Response(body, { status, headers: securityHeaders(new Headers({ "Content-Type": "text/plain" })) });

// Every Shopify topic arrives here (shopify.app.toml). verifyWebhook refuses what is
// not a fresh delivery bound to its body; only bad signatures are rate-limited, since
// throttling Shopify would lose deliveries.
export const action = async ({ request }: ActionFunctionArgs) => {
  const delivery = await verifyWebhook(request);
  try {
    await handleWebhook(delivery);
    return reply(200);
  } catch (error) {
    if (error instanceof WebhookPayloadError) {
      log.error({ topic: delivery.topic, shop: delivery.shop, err: error.message }, "webhook payload rejected");
      return reply(422, error.message);
    }
    throw error;
  }
};

export const loader = () => {
  const response = reply(405, "Method Not Allowed");
  response.headers.set("Allow", "POST");
  return response;
};
