// Deliberate violation, linted as app/routes/… by boundaries.test.ts: a route
// reaching for the database client instead of a module's door.
import { ping } from "~/db/client.server";

export const fixture = ping;
