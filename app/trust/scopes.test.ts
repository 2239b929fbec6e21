import { readFileSync } from "node:fs";

import { describe, expect, it } from "vitest";

import { requestedScopes, scopeProblems } from "./scopes";

describe("shopify.app.toml", () => {
  it("requests only read-only scopes for orders and products", () => {
    const scopes = requestedScopes(readFileSync("shopify.app.toml", "utf8"));
    expect(scopes).toContain("read_orders");
    expect(scopes).toContain("read_products");
    expect(scopeProblems(scopes ?? [])).toEqual([]);
  });
});

describe("the scope rule", () => {
  it("flags write scopes, customer scopes and anything else", () => {
    const toml = '[access_scopes]\n# note\nscopes = "read_orders, write_orders,read_customers,read_products"\nuse_legacy_install_flow = false\n\n[auth]\nscopes = "x"\n';
    const scopes = requestedScopes(toml);
    expect(scopes).toEqual(["read_orders", "write_orders", "read_customers", "read_products"]);
    expect(scopeProblems(scopes!)).toEqual(["write_orders is not a read-only orders or products scope", "read_customers is not a read-only orders or products scope"]);
    expect(requestedScopes("[auth]\nscopes = \"read_orders\"\n")).toBeNull();
  });
});
