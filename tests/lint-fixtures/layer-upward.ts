// Deliberate violation, linted as app/security/… by boundaries.test.ts: security (a
// lower layer) importing the Shopify app configuration (domain layer).
import { authenticate } from "~/shopify.server";

export const fixture = authenticate;
