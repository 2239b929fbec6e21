import { ping } from "~/db/client.server";
import { securityHeaders } from "~/security/headers.server";

// Liveness and database reachability for the load balancer. Says nothing else.
export const loader = async () => {
  const ok = await ping().catch(() => false);
  const headers = securityHeaders(new Headers({ "Content-Type": "text/plain", "Cache-Control": "no-store" }));
  return new Response(ok ? "ok" : "error", { status: ok ? 200 : 503, headers });
};
