// Flat config: TypeScript-aware rules, React hooks, and the import boundaries the
// design relies on (no server code in components, no test code in the app).
import js from "@eslint/js";
import reactHooks from "eslint-plugin-react-hooks";
import tseslint from "typescript-eslint";

// Module boundaries (docs/decisions/0010-module-boundaries.md), enforced with core
// `no-restricted-imports` (no import plugin installed; the rule sees the `~/…`
// specifiers the app uses). A module may import its own layer and the layers below,
// never one above; only a table's owner imports it from ~/db/schema.server (per table,
// through `importNames`); routes never import ~/db/client.server. Flat config keeps only
// the last matching options of a rule, so every file gets one complete set, built here.
// tests/lint-fixtures/ holds deliberate violations; tests/lint-fixtures/boundaries.test.ts keeps them failing.
const LAYERS = [
  { name: "foundation", files: ["app/lib/**", "app/db/**", "app/env.server.ts", "app/log.server.ts"], specifiers: ["~/lib/*", "~/db/*", "~/env.server", "~/log.server"] },
  { name: "security", files: ["app/security/**"], specifiers: ["~/security/*"] },
  { name: "jobs", files: ["app/jobs/queue.server.ts", "app/jobs/claim.server.ts", "app/jobs/handlers.server.ts"], specifiers: ["~/jobs/queue.server", "~/jobs/claim.server", "~/jobs/handlers.server"] },
  { name: "domain", files: ["app/shops.server.ts", "app/settings.server.ts", "app/shopify.server.ts", "app/sync/**", "app/profit/**"], specifiers: ["~/shops.server", "~/settings.server", "~/shopify.server", "~/sync/*", "~/profit/*"] },
  { name: "features", files: ["app/reports/**", "app/webhooks/**", "app/data-rights/**", "app/trust/**"], specifiers: ["~/reports/*", "~/webhooks/*", "~/data-rights/*", "~/trust/*"] },
  {
    // Entry points and composition: what wires every layer together.
    name: "app",
    files: ["app/routes/**", "app/components/**", "app/cli/**", "app/entry.server.tsx", "app/root.tsx", "app/jobs/kinds.server.ts", "app/jobs/maintenance.server.ts", "app/jobs/retention.server.ts", "app/jobs/worker-singleton.server.ts"],
    specifiers: ["~/routes/*", "~/components/*", "~/cli/*", "~/entry.server", "~/root", "~/jobs/kinds.server", "~/jobs/maintenance.server", "~/jobs/retention.server", "~/jobs/worker-singleton.server", "./kinds.server", "./maintenance.server", "./retention.server", "./worker-singleton.server"],
  },
];

// Which module owns which table: the only one that imports it from the schema.
const TABLE_OWNERS = {
  "app/security/**": ["sessions", "auditEvents", "auditCheckpoints", "rateLimits"],
  "app/jobs/**": ["jobs"],
  "app/shops.server.ts": ["shops"],
  "app/settings.server.ts": ["shopSettings"],
  "app/sync/**": ["products", "variants", "costHistory", "costRecosts", "orders", "sales", "dailyRollups", "dailyOrders", "dailyTotals", "monthlyRollups", "syncRuns", "stagedOrders", "stagedAgreements", "stagedSales",
    "orderTransactions", "dailyPaymentFees", "dailyShipping", "stagedTransactions", "stagedShippingLines"],
  "app/reports/**": ["reports", "reportNarratives", "narrativeRequests"],
  // The merchant's expenses for net profit (app/profit/expenses.server.ts).
  "app/profit/**": ["gatewayFeeRates", "shippingCostRules", "customCosts"],
  "app/webhooks/**": ["webhookDeliveries"],
};
const ALL_TABLES = Object.values(TABLE_OWNERS).flat();

// Exceptions that stand, each with its reason (the decision record lists them too).
const TABLE_EXCEPTIONS = {
  // Erases every row of a shop in every table by design (the schema's tenantTables, so
  // a table added later is never missed); other owners' rows go through their doors.
  "app/webhooks/erase-shop.server.ts": ALL_TABLES,
  // The merchant's export reads each table it hands over, read-only, file by file.
  "app/data-rights/export.server.ts": ["auditCheckpoints", "auditEvents", "costHistory", "costRecosts", "customCosts", "gatewayFeeRates", "products", "reportNarratives", "reports", "shippingCostRules", "shops", "syncRuns", "variants"],
  // The Security page's counts and key facts, read-only.
  "app/trust/shop-facts.server.ts": ["auditEvents", "sessions", "shops"],
};

// Files that import a layer above their own, as the code stands (listed in 0010).
const LAYER_EXCEPTIONS = {
  // The sync's read doors for net profit take the reports' Period (a pure type module one layer up).
  "app/profit/payment-fees.server.ts": ["~/reports/period"],
  "app/profit/shipping-volume.server.ts": ["~/reports/period"],
};

// Outside the direction rule: the load balancer's probe, whose whole job is the database.
const CLIENT_EXCEPTIONS = ["app/routes/healthz.tsx"];

const SERVER_FREE = ["app/components/**", "app/reports/metrics.ts"];

function restrictionsFor(file, layerIndex, { ownTables, extraTables = [], allowUp = [], serverFree, route }) {
  const above = LAYERS.slice(layerIndex + 1).flatMap((l) => l.specifiers).filter((s) => !allowUp.includes(s));
  const forbiddenTables = ALL_TABLES.filter((t) => !ownTables.includes(t) && !extraTables.includes(t));
  const patterns = [{ group: ["**/tests/**", "../tests/*"], message: "App code never imports test code." }];
  // A single module allowed from above is a negated entry after its layer's glob (gitignore order).
  const allowedModules = allowUp.filter((s) => !LAYERS.some((l) => l.specifiers.includes(s))).map((s) => `!${s}`);
  if (above.length) patterns.push({ group: [...above, ...allowedModules], message: `Layer '${LAYERS[layerIndex].name}' imports no layer above it (docs/decisions/0010-module-boundaries.md): pass the dependency in or move the code down.` });
  if (serverFree) patterns.push({ group: ["*.server", "**/*.server"], message: "Presentational and pure modules stay free of server code." });
  const paths = [];
  if (forbiddenTables.length) paths.push({ name: "~/db/schema.server", importNames: forbiddenTables, message: "Only a table's owning module imports it (docs/decisions/0010-module-boundaries.md): use the owner's door." });
  if (route && !CLIENT_EXCEPTIONS.includes(file)) paths.push({ name: "~/db/client.server", message: "Routes reach the database through a module's door, never the client." });
  return { paths, patterns };
}

function ownedBy(glob) {
  return Object.entries(TABLE_OWNERS).filter(([owner]) => owner === glob || (owner.endsWith("/**") && glob.startsWith(owner.slice(0, -2)))).flatMap(([, t]) => t);
}

function boundaries() {
  const configs = [];
  const matchesLayerGlob = (file, glob) => file === glob || (glob.endsWith("/**") && file.startsWith(glob.slice(0, -2)));
  const layerOf = (file) => LAYERS.findIndex((l) => l.files.some((g) => matchesLayerGlob(file, g)));
  // One config per layer glob, then one per excepted file (later configs win).
  LAYERS.forEach((layer, i) => {
    for (const glob of layer.files) {
      const files = glob.endsWith("/**") ? [`${glob}/*.{ts,tsx}`] : [glob];
      const options = restrictionsFor(glob, i, { ownTables: ownedBy(glob), serverFree: SERVER_FREE.includes(glob), route: glob === "app/routes/**" });
      configs.push({ files, ignores: ["app/**/*.test.{ts,tsx}"], rules: { "no-restricted-imports": ["error", options] } });
    }
  });
  const excepted = new Set([...Object.keys(TABLE_EXCEPTIONS), ...Object.keys(LAYER_EXCEPTIONS), ...SERVER_FREE.filter((g) => !g.includes("*")), ...CLIENT_EXCEPTIONS]);
  for (const file of excepted) {
    const i = layerOf(file);
    const options = restrictionsFor(file, i, {
      ownTables: ownedBy(file),
      extraTables: TABLE_EXCEPTIONS[file],
      allowUp: LAYER_EXCEPTIONS[file],
      serverFree: SERVER_FREE.includes(file),
      route: file.startsWith("app/routes/"),
    });
    configs.push({ files: [file], rules: { "no-restricted-imports": ["error", options] } });
  }
  // Every other app file (app/*.ts not in a layer, e.g. a new top-level module) still never imports tests.
  return [
    { files: ["app/**/*.{ts,tsx}"], ignores: ["app/**/*.test.{ts,tsx}"], rules: { "no-restricted-imports": ["error", { patterns: [{ group: ["**/tests/**", "../tests/*"], message: "App code never imports test code." }] }] } },
    ...configs,
  ];
}

export default tseslint.config(
  { ignores: ["build/", "public/build/", "node_modules/", "data/", "tests/artifacts/", ".cache/", "tests/bench/_scratch*", "tests/lint-fixtures/*.ts", "!tests/lint-fixtures/*.test.ts"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ["**/*.{ts,tsx}"],
    plugins: { "react-hooks": reactHooks },
    rules: {
      "react-hooks/rules-of-hooks": "error",
      "react-hooks/exhaustive-deps": "warn",
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "no-restricted-syntax": [
        "error",
        {
          selector: "MemberExpression[object.name='process'][property.name='env']",
          message: "Read configuration through `env` from ~/env.server (one zod-validated place).",
        },
      ],
    },
  },
  ...boundaries(),
  {
    // The one reader of process.env, and the processes that set it up for the app.
    files: ["app/env.server.ts", "tests/**/*.ts", "drizzle/*.ts", "app/db/client.server.ts", "app/**/*.test.{ts,tsx}", "server.ts"],
    rules: { "no-restricted-syntax": "off" },
  },
  {
    files: ["**/*.js"],
    languageOptions: { globals: { window: "readonly", document: "readonly", sessionStorage: "readonly", location: "readonly", parent: "readonly", URL: "readonly", URLSearchParams: "readonly", Request: "readonly", Headers: "readonly", MutationObserver: "readonly", CustomEvent: "readonly" } },
  },
);
