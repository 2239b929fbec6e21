/** @jsxImportSource preact */
/**
 * The pieces both admin blocks lay out: the frame (data, loading, error, not synced),
 * a figure row, a change and the link into the app. Polaris web components (`s-*`), as admin
 * extensions render from API 2025-10 on.
 */
import { render, type ComponentChildren } from "preact";

import type { ChangeView } from "../../app/lib/format";

import { blockUrl, useBlockData, type BlockState } from "./block-data";

export type Translate = (key: string, replacements?: Record<string, string | number>) => string;

/** shopify.i18n.translate with the block's locale file (locales/*.json), always as text. */
export function translator(i18n: { translate: (key: string, replacements?: Record<string, string | number>) => unknown }): Translate {
  return (key, replacements) => String(i18n.translate(key, replacements));
}

export function Loading({ label }: { label: string }) {
  return (
    <s-stack direction="inline" gap="small-300" alignItems="center">
      <s-spinner accessibilityLabel={label} />
      <s-text color="subdued">{label}</s-text>
    </s-stack>
  );
}

export function ErrorBanner({ t, reason, onRetry }: { t: Translate; reason: Extract<BlockState<unknown>, { status: "error" }>["reason"]; onRetry: () => void }) {
  return (
    <s-banner tone="critical" heading={t("error.heading")}>
      <s-stack direction="block" gap="small-300">
        <s-paragraph>{t(`error.${reason}`)}</s-paragraph>
        <s-button onClick={onRetry}>{t("retry")}</s-button>
      </s-stack>
    </s-banner>
  );
}

/** "Net sales   €130.00   up 62.5%": label left, figure right, the change under the figure. */
export function FigureRow({ label, value, change }: { label: string; value: string; change?: ComponentChildren }) {
  return (
    <s-stack direction="inline" gap="small-300" justifyContent="space-between" alignItems="center">
      <s-text color="subdued">{label}</s-text>
      <s-stack direction="inline" gap="small-300" alignItems="center">
        <s-text type="strong">{value}</s-text>
        {change}
      </s-stack>
    </s-stack>
  );
}

/** A change as the dashboard shows it: direction in words, green when good news, red when bad. */
export function ChangeText({ t, change }: { t: Translate; change: ChangeView | null }) {
  if (!change) return <s-text color="subdued">{t("change.none")}</s-text>;
  const words = change.direction === "flat" ? t("change.flat") : t(`change.${change.direction}`, { change: change.text });
  return change.tone ? <s-badge tone={change.tone}>{words}</s-badge> : <s-text color="subdued">{words}</s-text>;
}

/**
 * A page of the app, in the admin. The `app:` protocol takes a path inside the app,
 * written after the colon without a leading slash ("app:settings/advanced" in
 * Shopify's table of navigation protocols for API 2026-07:
 * https://shopify.dev/docs/api/app-home-ui-extension/latest/target-apis/utility-apis/navigation-api;
 * admin blocks: "Custom protocols",
 * https://shopify.dev/docs/api/admin-extensions/latest/network-features#custom-protocols), and
 * the admin opens it in the app's frame. The app's pages live under /app (Remix's
 * app.* routes), so the dashboard is `app:app` and the Costs page `app:app/costs`.
 */
export function OpenAppLink({ label, path = "app" }: { label: string; path?: string }) {
  return <s-link href={`app:${path.replace(/^\/+/, "")}`}>{label}</s-link>;
}

/** What both block targets give the block (structurally; each target's Api has more). */
interface BlockApi {
  data: { selected: Array<{ id: string }> };
  i18n: Parameters<typeof translator>[0];
}

/** The block's entry point (the module's default export): renders it into the admin's document. */
export const blockEntry = (Block: () => ComponentChildren) => async () => {
  render(<Block />, document.body);
};

/**
 * The frame both blocks share: the admin's `shopify` global, the selected resource's
 * figures from the app, and the loading, error (with a retry) and not-synced states;
 * `children` lays out the figures once they are there, `summary` is the collapsed line.
 */
export function MarginBlock<T>({ kind, summary, children }: {
  kind: "product" | "order";
  summary: (data: T, t: Translate) => string;
  children: (data: T, t: Translate) => ComponentChildren;
}) {
  const { data, i18n } = (globalThis as unknown as { shopify: BlockApi }).shopify;
  const t = translator(i18n);
  const gid = data.selected[0]?.id ?? null;
  const [state, retry] = useBlockData<T>(gid ? blockUrl(kind, gid) : null);
  return (
    <s-admin-block heading={t("heading")} collapsedSummary={state.status === "ready" ? summary(state.data, t) : ""}>
      {state.status === "loading" && <Loading label={t("loading")} />}
      {state.status === "error" && <ErrorBanner t={t} reason={state.reason} onRetry={retry} />}
      {state.status === "missing" && <s-paragraph>{t("notFound")}</s-paragraph>}
      {state.status === "ready" && children(state.data, t)}
    </s-admin-block>
  );
}
