/**
 * The embedded shell: Polaris, wired to Remix navigation and to App Bridge's admin navigation
 * (App Bridge's own script is in the document's head: app/root.tsx).
 *
 * `@shopify/shopify-app-remix/react` does this too, but its ESM build imports JSON
 * with import attributes, which the classic Remix compiler (esbuild 0.17) cannot
 * parse. This is the same logic in our own ~30 lines.
 */
import { Link, useNavigate } from "@remix-run/react";
import { AppProvider as PolarisAppProvider } from "@shopify/polaris";
import type { LinkLikeComponentProps } from "@shopify/polaris/build/ts/src/utilities/link";
import en from "@shopify/polaris/locales/en.json";
import { useEffect, type ReactNode } from "react";

function RemixPolarisLink({ url, children, external, ...rest }: LinkLikeComponentProps) {
  if (external || /^https?:\/\//.test(url)) {
    return <a href={url} target="_blank" rel="noopener noreferrer" {...rest}>{children}</a>;
  }
  return <Link to={url} {...rest}>{children}</Link>;
}

export function EmbeddedAppProvider(props: { children: ReactNode }) {
  const navigate = useNavigate();
  useEffect(() => {
    // App Bridge announces admin-nav clicks as events; Remix does the navigation. Marked as the
    // admin's: App Bridge has already asked about unsaved changes (save bar), a page must not ask again.
    const onNavigate = (event: Event) => {
      const href = (event.target as HTMLElement | null)?.getAttribute("href");
      if (href) navigate(href, { state: { fromAdmin: true } });
    };
    document.addEventListener("shopify:navigate", onNavigate);
    return () => document.removeEventListener("shopify:navigate", onNavigate);
  }, [navigate]);

  return (
    <PolarisAppProvider i18n={en} linkComponent={RemixPolarisLink}>
      {props.children}
    </PolarisAppProvider>
  );
}
