/** @type {import('@remix-run/dev').AppConfig} */
export default {
  ignoredRouteFiles: ["**/.*", "**/*.test.{ts,tsx}"],
  serverModuleFormat: "esm",
  // Polaris ships its locale as JSON; Node's ESM loader refuses bare JSON imports,
  // so the server bundle must inline it.
  serverDependenciesToBundle: [/^@shopify\/polaris\/locales\//],
  future: {
    v3_fetcherPersist: true,
    v3_relativeSplatPath: true,
    v3_throwAbortReason: true,
    v3_lazyRouteDiscovery: true,
    v3_singleFetch: true,
  },
};
