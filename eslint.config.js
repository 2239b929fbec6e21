// Flat config: TypeScript-aware rules, React hooks, and the import boundaries the
// design relies on (no server code in components, no test code in the app).
import js from "@eslint/js";
import reactHooks from "eslint-plugin-react-hooks";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["build/", "public/build/", "node_modules/", "data/", "tests/artifacts/", ".cache/", "tests/bench/_scratch*"] },
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
  {
    files: ["app/**/*.{ts,tsx}"],
    ignores: ["app/**/*.test.{ts,tsx}"],
    rules: {
      "no-restricted-imports": [
        "error",
        { patterns: [{ group: ["**/tests/**", "../tests/*"], message: "App code never imports test code." }] },
      ],
    },
  },
  {
    files: ["app/components/**/*.{ts,tsx}", "app/reports/metrics.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        { patterns: [{ group: ["*.server", "**/*.server"], message: "Presentational and pure modules stay free of server code." }] },
      ],
    },
  },
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
