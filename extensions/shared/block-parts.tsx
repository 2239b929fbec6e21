/** @jsxImportSource preact */
/**
 * The pieces both admin blocks lay out: a figure row, a change, the loading and
 * error states and the link into the app. Polaris web components (`s-*`), as admin
 * extensions render from API 2025-10 on.
 */
import type { ComponentChildren } from "preact";

import type { ChangeView } from "../../app/lib/format";

import type { BlockState } from "./block-data";

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

/** The app's dashboard, in the admin (the `app:` protocol: https://shopify.dev/docs/api/admin-extensions/latest/network-features#custom-protocols). */
export function OpenAppLink({ label, path = "app" }: { label: string; path?: string }) {
  return <s-link href={`app:${path}`}>{label}</s-link>;
}
