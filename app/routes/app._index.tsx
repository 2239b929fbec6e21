import { data, type ActionFunctionArgs, type HeadersFunction, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Await, isRouteErrorResponse, useLoaderData, useRevalidator, useRouteError } from "@remix-run/react";
import { TitleBar } from "@shopify/app-bridge-react";
import { Banner, Page } from "@shopify/polaris";
import { Suspense, useEffect, useRef } from "react";

import type { PageHandle } from "~/components/boot-skeleton";
import { AppErrorPage, appRouteError } from "~/components/app-error-page";
import { DashboardContent } from "~/components/dashboard-content";
import { DashboardSkeleton } from "~/components/dashboard-skeleton";
import { env } from "~/env.server";
import { isBrowserNavigation } from "~/lib/browser-navigation";
import { afterShellSent } from "~/lib/shell-signal.server";
import { currentRequestId } from "~/lib/request-id.server";
import { log } from "~/log.server";
import { buildReport } from "~/reports/build.server";
import { loadDashboardPage } from "~/reports/dashboard.server";
import { failFast } from "~/db/query-limits.server";
import { completeFromDay } from "~/reports/history";
import {
  dashboardActionFromForm, dateControlOptions, rangeOrMessage, reportParamsOrDefault, selectionOf,
} from "~/reports/params.server";
import { requestOrigin } from "~/security/audit.server";
import { policies, rateLimit } from "~/security/rate-limit.server";
import { childRouteHeaders, readForm, requireMethod } from "~/security/request-guards.server";
import { requireShop } from "~/shops.server";
import { authenticate, verifiedFramingShop } from "~/shopify.server";
import { retrySync } from "~/sync/bulk.server";

/** The title its first paint shows (app/components/boot-skeleton.tsx). */
export const handle: PageHandle = { title: "Dashboard" };

export const meta: MetaFunction = () => [{ title: "Margin Notes" }];

// ?preset= or ?from=&to=, plus ?compare= and the table's ?sort=&dir=. Values the
// server refuses are a 400 that still renders the page, with the default period, its
// date controls and the message (never a 500, never a page without the controls); a
// report query that overruns its time limit is a 503 with a message.
//
// A browser opening the page (the admin framing the app, a reload) gets the page's shell at
// once, its title bar and a skeleton, once the request is authenticated; the figures follow in
// the same response when they are read (`pending`, streamed). The frame is never blank while
// the report is read, which on a first open or during a sync is most of the wait. Every other
// request (a client-side navigation or revalidation, which keeps the current page on screen
// meanwhile) waits for the figures, so its status says what happened, as before.
export const loader = async ({ request, context }: LoaderFunctionArgs) => {
  const params = new URL(request.url).searchParams;
  const path = new URL(request.url).pathname;
  // The admin opening the app (its session token proved, verifiedFramingShop): the shell goes
  // out at once, and the library's whole authentication (on a first open: the token exchange
  // and the install) starts once it is, inside the stream, before anything of the shop's is read.
  if (await verifiedFramingShop(request)) {
    const loading = afterShellSent(context).then(() => authenticate.admin(request, context)).then((auth) => loadDashboardView(auth, params), (thrown) => {
      throw thrown instanceof Response ? signInRefusal(thrown) : thrown;
    });
    return data<DashboardLoaderData>({ pending: settle(loading, path) });
  }
  const { session, admin } = await authenticate.admin(request, context);
  const loading = loadDashboardView({ session, admin }, params);
  if (!isBrowserNavigation(request)) {
    const { view, status } = await loading;
    return data<DashboardLoaderData>(view, { status });
  }
  return data<DashboardLoaderData>({ pending: settle(loading, path) });
};

type Authenticated = Pick<Awaited<ReturnType<typeof authenticate.admin>>, "session" | "admin">;

/** The page's data and its status; throws the Responses the page answers with (400, 503). */
async function loadDashboardView({ session, admin }: Authenticated, params: URLSearchParams): Promise<{ view: DashboardData; status: number }> {
  let problems: string[] = [];
  const choose = (row: { ianaTimezone: string }) => {
    const chosen = reportParamsOrDefault(params, row.ianaTimezone);
    problems = chosen.problems;
    return chosen;
  };
  // One transaction per load (a query stopped by its time limit is a 503 with a
  // message, not a 500); the very first load writes the shop's row first.
  const page = (await failFast(() => loadDashboardPage(session.shop, choose)))
    ?? (await requireShop(session.shop, session.scope, admin), await failFast(() => loadDashboardPage(session.shop, choose)));
  if (!page) throw new Response("The shop could not be set up; reload the app.", { status: 503, headers: { "Retry-After": "5" } });
  return { view: dashboardView(page, params, problems), status: problems.length ? 400 : 200 };
}

/**
 * What the library's authentication answered inside a stream, as the page can show it: its
 * redirects (the bounce page that fetches a fresh session token) are followed, its 503s and
 * 429 keep their words, and a refusal of the request (400, 401) asks for the app to be opened
 * again (the way back re-enters through the admin, with a new token).
 */
function signInRefusal(thrown: Response): Response {
  if ((thrown.status >= 300 && thrown.status < 400) || thrown.status === 429 || thrown.status >= 500) return thrown;
  return new Response("Shopify did not confirm this session. Open Margin Notes again from your admin.", { status: 401 });
}

/** How a streamed load ended: the page's data, a refusal the page explains, a redirect to follow, or a failure. */
export type DashboardOutcome =
  | { view: DashboardData }
  | { refused: { status: number; message: string | null } }
  | { redirect: string }
  | { failed: { requestId: string | null } };

/**
 * A streamed load never rejects: once the shell is sent its status cannot change, so a
 * refusal (a thrown Response) becomes the page's banner and a failure the app's error page,
 * logged here as entry.server's handleError logs a loader's (it never sees this one).
 */
async function settle(loading: ReturnType<typeof loadDashboardView>, path: string): Promise<DashboardOutcome> {
  try {
    return { view: (await loading).view };
  } catch (error) {
    if (error instanceof Response) {
      const location = error.headers.get("Location");
      if (error.status >= 300 && error.status < 400 && location) return { redirect: location };
      return { refused: { status: error.status, message: (await error.text()) || null } };
    }
    log.error({ err: error, path, method: "GET" }, "unhandled error");
    return { failed: { requestId: currentRequestId() ?? null } };
  }
}

type DashboardLoaderData = DashboardData | { pending: Promise<DashboardOutcome> };

type DashboardPage = NonNullable<Awaited<ReturnType<typeof loadDashboardPage>>>;

/** What the page receives (dates already as text). */
function dashboardView({ shop, sync, range, sort, hasData, report, ledgerBackfill }: DashboardPage, params: URLSearchParams, problems: string[]) {
  return {
    paramProblems: problems,
    shop: { name: shop.name ?? shop.shopId, domain: shop.shopId, currency: shop.currencyCode, timezone: shop.ianaTimezone },
    sync: { ...sync, lastCompletedAt: sync.lastCompletedAt?.toISOString() ?? null },
    ...dateControlOptions(shop.ianaTimezone),
    selection: selectionOf(problems.length ? new URLSearchParams() : params, range),
    sort,
    hasData,
    report,
    // Without read_all_orders: the first local day whose figures are complete.
    completeFrom: completeFromDay(shop.historyFrom, shop.ianaTimezone),
    // Synced before payment-fee sync: fees are being read (app/sync/ledger-backfill.server.ts).
    feesBackfilling: ledgerBackfill !== "current",
  };
}
export type DashboardData = ReturnType<typeof dashboardView>;

/** Every answer of the action, errors included (those go out with a 4xx status). */
export interface DashboardActionResult {
  retryError?: string;
  saveError?: string;
  savedReportId?: string;
}

/** A rate limit's 429 as the action's JSON, keeping its Retry-After; anything else is rethrown. */
function limited(error: unknown, body: DashboardActionResult): Response {
  if (!(error instanceof Response) || error.status !== 429) throw error;
  return Response.json(body, { status: 429, headers: { "Retry-After": error.headers.get("Retry-After") ?? "60" } });
}

export const action = async ({ request, context }: ActionFunctionArgs) => {
  requireMethod(request, ["POST"]);
  const { session, sessionToken, admin } = await authenticate.admin(request, context);
  const input = dashboardActionFromForm(await readForm(request));
  if (!input) return Response.json({ retryError: "Unknown action." } satisfies DashboardActionResult, { status: 400 });
  const actor = { type: "staff", id: String(sessionToken?.sub ?? "unknown") } as const;
  if (input.intent === "save-report") {
    const shop = await requireShop(session.shop, session.scope, admin);
    const parsed = rangeOrMessage(input, shop.ianaTimezone);
    if ("message" in parsed) return Response.json({ saveError: parsed.message } satisfies DashboardActionResult, { status: 400 });
    try {
      await rateLimit(`shop:${session.shop}:save-report`, policies.saveReport);
    } catch (error) {
      return limited(error, { saveError: `Reports can be saved ${policies.saveReport.limit} times an hour. Try again later.` });
    }
    const { reportId } = await buildReport(session.shop, parsed.range, shop.currencyCode, actor);
    return { savedReportId: reportId } satisfies DashboardActionResult;
  }
  try {
    await retrySync(session.shop, actor, requestOrigin(request, env.TRUSTED_PROXY_HOPS));
    return {} satisfies DashboardActionResult;
  } catch (error) {
    return limited(error, { retryError: "Sync was retried recently. Try again in a little while." });
  }
};

// The action's own headers (a 429's Retry-After) and a refusal's reach the client.
export const headers: HeadersFunction = childRouteHeaders;


export default function Dashboard() {
  // Single fetch hands the page what the loader returned (turbo-stream: the promise stays a
  // promise), not its JSON: the loader's own type.
  const loaded = useLoaderData() as DashboardLoaderData;
  // One tree for both shapes, so the page is not remounted when a revalidation brings the data itself.
  const outcome: Promise<DashboardOutcome> | DashboardOutcome = "pending" in loaded ? loaded.pending : { view: loaded };
  return (
    <Suspense fallback={<DashboardSkeleton />}>
      <Await resolve={outcome} errorElement={<StreamFailed />}>
        {(settled: DashboardOutcome) =>
          "view" in settled ? <DashboardContent data={settled.view} />
          : "refused" in settled ? <DashboardRefusal status={settled.refused.status} message={settled.refused.message} />
          : "redirect" in settled ? <FollowRedirect to={settled.redirect} />
          : <AppErrorPage requestId={settled.failed.requestId} />}
      </Await>
    </Suspense>
  );
}

/**
 * The stream ended before the figures came (entry.server's streamTimeout on a very busy
 * server, a connection cut): ask for them again, as a revalidation, which waits for them
 * instead of streaming; the skeleton stays meanwhile. A second failure is the route's error.
 */
function StreamFailed() {
  const revalidator = useRevalidator();
  const asked = useRef(false);
  useEffect(() => {
    if (asked.current || revalidator.state !== "idle") return;
    asked.current = true;
    revalidator.revalidate();
  }, [revalidator]);
  return asked.current && revalidator.state === "idle" ? <AppErrorPage requestId={null} /> : <DashboardSkeleton />;
}

/** A redirect that came after the shell (the bounce page for a fresh session token): the document goes there. */
function FollowRedirect({ to }: { to: string }) {
  useEffect(() => window.location.replace(to), [to]);
  return <DashboardSkeleton />;
}

/** A refusal the merchant can act on: bad report settings (400), or the report not available now (503). */
function DashboardRefusal({ status, message }: { status: number; message: string | null }) {
  return status === 400 ? (
    <Page title="Dashboard">
      <TitleBar title="Margin Notes" />
      <Banner tone="warning" title="These report settings are not valid" action={{ content: "Show the last 30 days", url: "/app" }}>
        <p>{message ?? "Check the address and try again."}</p>
      </Banner>
    </Page>
  ) : (
    <Page title="Dashboard">
      <TitleBar title="Margin Notes" />
      <Banner tone="warning" title="The report is not available right now" action={{ content: "Try again", url: "/app" }}>
        <p>{message ?? "Try again in a moment."}</p>
      </Banner>
    </Page>
  );
}

// A bad date range in the URL is the merchant's to fix: say what is wrong and
// offer the way back; a report not available now says so. Everything else: Shopify's
// auth responses as they are, an unexpected error as the app's error page (appRouteError).
export function ErrorBoundary() {
  const error = useRouteError();
  if (isRouteErrorResponse(error) && (error.status === 400 || error.status === 503)) {
    return <DashboardRefusal status={error.status} message={typeof error.data === "string" ? error.data : null} />;
  }
  return appRouteError(error);
}
