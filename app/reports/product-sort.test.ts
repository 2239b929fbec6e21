import { describe, expect, it } from "vitest";

import { parseProductSort, sortProducts, type SortableProduct } from "./product-sort";

const product = (productId: string, title: string, netSales: string, grossProfit: string, units: number, margin: string | null): SortableProduct =>
  ({ productId, title, netSales, grossProfit, units, grossMarginPercent: margin });

const rows = [
  product("1", "linen shirt", "90.00", "60.00", 2, "66.67"),
  product("2", "Wool Scarf", "30.00", "15.00", 1, "50.00"),
  product("3", "Anchor Mug", "40.00", "0.00", 4, null),
  product("4", "Big Order", "1000.00", "-5.00", 1, "-0.50"),
];
const ids = (sorted: SortableProduct[]) => sorted.map((p) => p.productId);

describe("product sort params", () => {
  it("defaults to net sales, largest first; text columns A→Z", () => {
    expect(parseProductSort(new URLSearchParams())).toEqual({ ok: true, sort: { column: "netSales", direction: "desc" } });
    expect(parseProductSort(new URLSearchParams("sort=title"))).toEqual({ ok: true, sort: { column: "title", direction: "asc" } });
    expect(parseProductSort(new URLSearchParams("sort=units&dir=asc"))).toEqual({ ok: true, sort: { column: "units", direction: "asc" } });
  });

  it("names what is wrong", () => {
    expect(parseProductSort(new URLSearchParams("sort=price&dir=up"))).toEqual({
      ok: false,
      message: "The products can be sorted by product, net sales, gross profit, margin or units. The products can be sorted up or down only",
    });
  });
});

describe("sortProducts", () => {
  it("compares money exactly (not as text) in both directions", () => {
    expect(ids(sortProducts(rows, { column: "netSales", direction: "desc" }))).toEqual(["4", "1", "3", "2"]);
    expect(ids(sortProducts(rows, { column: "grossProfit", direction: "asc" }))).toEqual(["4", "3", "2", "1"]);
    expect(ids(sortProducts(rows, { column: "units", direction: "desc" }))).toEqual(["3", "1", "2", "4"]);
  });

  it("sorts titles case-insensitively and keeps products without a margin last", () => {
    expect(ids(sortProducts(rows, { column: "title", direction: "asc" }))).toEqual(["3", "4", "1", "2"]);
    expect(ids(sortProducts(rows, { column: "margin", direction: "desc" }))).toEqual(["1", "2", "4", "3"]);
    expect(ids(sortProducts(rows, { column: "margin", direction: "asc" }))).toEqual(["4", "2", "1", "3"]);
  });

  it("does not change its input", () => {
    const before = ids(rows);
    sortProducts(rows, { column: "units", direction: "asc" });
    expect(ids(rows)).toEqual(before);
  });
});
