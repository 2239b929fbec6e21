/**
 * Expenses: what net profit deducts besides the cost of goods — payment fee rates per
 * gateway (estimates for transactions Shopify gives no fee for), shipping cost rules
 * and custom costs. Owner only, like Settings: everyone else sees the page read-only
 * and their POST is a 403 that changes nothing. One change per POST, rate-limited,
 * audited (app/profit/expenses.server.ts).
 */
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData, useRouteError } from "@remix-run/react";

import type { PageHandle } from "~/components/boot-skeleton";
import { appRouteError } from "~/components/app-error-page";
import { ExpensesView, type ExpensesActionData } from "~/components/expenses-view";
import { parseExpenseForm } from "~/profit/expense-forms";
import { loadExpensesPage } from "~/profit/expenses-page.server";
import { changeExpense } from "~/profit/expenses.server";
import { noStoreJson, readOwnerForm } from "~/security/owner-action.server";
import { checkAccountOwner, rawSessionToken } from "~/security/owner.server";
import { policies, rateLimit } from "~/security/rate-limit.server";
import { requireMethod } from "~/security/request-guards.server";
import { authenticate } from "~/shopify.server";

/** The title its first paint shows (app/components/boot-skeleton.tsx). */
export const handle: PageHandle = { title: "Expenses" };

export const meta: MetaFunction = () => [{ title: "Expenses · Margin Notes" }];

export const loader = async ({ request, context }: LoaderFunctionArgs) => {
  const { session, sessionToken } = await authenticate.admin(request, context);
  const check = await checkAccountOwner(session.shop, sessionToken?.sub, rawSessionToken(request));
  const page = await loadExpensesPage(session.shop);
  if (!page) throw new Response("This store is not installed yet: reload the app.", { status: 409 });
  return { ...page, owner: check.owner, unverified: check.unverified ?? null };
};

const reply = (body: ExpensesActionData, status = 200) => noStoreJson(body, status);

export const action = async ({ request, context }: ActionFunctionArgs) => {
  requireMethod(request, ["POST"]);
  const { session, sessionToken } = await authenticate.admin(request, context);
  const owner = await readOwnerForm(request, session.shop, sessionToken?.sub, "Only the store owner can change expenses.");
  if (!owner.ok) return reply({ ok: false, message: owner.message }, 403);
  await rateLimit(`shop:${session.shop}:expenses`, policies.expenseChange);
  const parsed = parseExpenseForm(Object.fromEntries(owner.form));
  if (!parsed.ok) return reply({ ok: false, message: "Nothing was saved: correct the fields marked below.", fieldErrors: parsed.fieldErrors }, 400);
  const result = await changeExpense(session.shop, parsed.change, owner.actor, owner.origin);
  if (!result.ok) return reply({ ok: false, message: result.message, fieldErrors: result.fieldErrors }, result.status);
  return reply({ ok: true, id: result.id, operation: result.operation });
};

export default function ExpensesPage() {
  return <ExpensesView {...useLoaderData<typeof loader>()} />;
}

export function ErrorBoundary() {
  return appRouteError(useRouteError());
}
