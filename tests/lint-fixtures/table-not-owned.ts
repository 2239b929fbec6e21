// Deliberate violation, linted as app/reports/… by boundaries.test.ts: reports
// importing `jobs`, a table owned by app/jobs (its door is enqueue/cancelJobs).
import { jobs } from "~/db/schema.server";

export const fixture = jobs;
