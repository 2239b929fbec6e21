import { describe, expect, it } from "vitest";

import { checkEffectiveDate, checkUnitCost, COST_CSV_HEADERS, COST_CSV_LIMITS, costCsvLines, parseCostCsv } from "./cost-csv";

const OPTS = { currency: "USD", today: "2026-12-02" };
const HEADER = "SKU,Product,Variant,Variant ID,Unit cost,Currency,Source,Effective date\n";

describe("checkUnitCost", () => {
  it("accepts exact decimals up to 4 places and normalises them", () => {
    expect(checkUnitCost("12.50")).toEqual({ ok: true, value: "12.5" });
    expect(checkUnitCost(" 0 ")).toEqual({ ok: true, value: "0" });
    expect(checkUnitCost("0.0001")).toEqual({ ok: true, value: "0.0001" });
    expect(checkUnitCost("999999999999.9999")).toEqual({ ok: true, value: "999999999999.9999" });
  });
  it.each([
    ["", "Unit cost is empty."],
    ["-3.00", "Unit cost -3.00 is negative: costs are 0 or more."],
    ["12,50", 'Unit cost "12,50" is not a number'],
    ["$12", 'Unit cost "$12" is not a number'],
    ["1e3", 'Unit cost "1e3" is not a number'],
    ["abc", 'Unit cost "abc" is not a number'],
    ["1.23456", "Unit cost 1.23456 has more than 4 decimal places."],
    ["1000000000000", "Unit cost 1000000000000 is too large."],
  ])("refuses %j with a clear message", (raw, message) => {
    const r = checkUnitCost(raw);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.message).toContain(message);
  });
});

describe("checkEffectiveDate", () => {
  it("accepts a past or today's calendar day, refuses the rest", () => {
    expect(checkEffectiveDate("2026-12-02", "2026-12-02")).toEqual({ ok: true, value: "2026-12-02" });
    expect(checkEffectiveDate("2024-02-29", "2026-12-02").ok).toBe(true);
    expect(checkEffectiveDate("2025-02-29", "2026-12-02")).toMatchObject({ ok: false, message: expect.stringContaining("is not a date") });
    expect(checkEffectiveDate("12/01/2026", "2026-12-02")).toMatchObject({ ok: false, message: expect.stringContaining("use YYYY-MM-DD") });
    expect(checkEffectiveDate("2026-12-03", "2026-12-02")).toMatchObject({ ok: false, message: expect.stringContaining("in the future") });
    expect(checkEffectiveDate("1999-12-31", "2026-12-02")).toMatchObject({ ok: false, message: expect.stringContaining("before 2000") });
  });
});

describe("parseCostCsv", () => {
  it("reads the export's own format, by header name, with line numbers", () => {
    const text = `${HEADER}MUG-1,Mug,Default,,4.20,USD,Shopify,2026-11-01\n,Scarf,Red,123456,7,usd,,\n`;
    const r = parseCostCsv(text, OPTS);
    expect(r).toEqual({
      ok: true,
      errors: [],
      rows: [
        { line: 2, sku: "MUG-1", variantId: null, unitCost: "4.2", effectiveDate: "2026-11-01" },
        { line: 3, sku: null, variantId: "123456", unitCost: "7", effectiveDate: null },
      ],
    });
  });

  it("accepts columns in any order, a BOM and CRLF; reads back what the export guarded against formulas", () => {
    const text = `\uFEFFCurrency,Unit cost,SKU\r\nUSD,1.5,'=HYPERLINK()\r\nUSD,2,'-5\r\n`;
    const r = parseCostCsv(text, OPTS);
    expect(r.ok && r.rows.map((x) => [x.line, x.sku, x.unitCost])).toEqual([[2, "=HYPERLINK()", "1.5"], [3, "-5", "2"]]);
  });

  it("gives each bad row its line and reason, and keeps the good ones", () => {
    const text = HEADER + [
      "A,,,,-1,USD,,",          // 2 negative
      "B,,,,ten,USD,,",         // 3 not a number
      "C,,,,1,EUR,,",           // 4 wrong currency
      "D,,,,1,,,",              // 5 no currency
      ",,,,1,USD,,",            // 6 no identifier
      ",,,12x,1,USD,,",         // 7 bad variant id
      "E,,,,1,USD,,2026-13-01", // 8 bad date
      "F,,,,1,USD,,2027-01-01", // 9 future
      "G,,,,3.333,USD,,",       // 10 fine
    ].join("\n");
    const r = parseCostCsv(text, OPTS);
    if (!r.ok) throw new Error(r.message);
    expect(r.rows.map((x) => x.line)).toEqual([10]);
    expect(r.errors.map((e) => e.line)).toEqual([2, 3, 4, 5, 6, 7, 8, 9]);
    expect(r.errors[0]!.message).toMatch(/negative/);
    expect(r.errors[1]!.message).toMatch(/not a number/);
    expect(r.errors[2]!.message).toBe("Currency EUR is not the store's currency (USD): costs are in USD only.");
    expect(r.errors[3]!.message).toMatch(/Currency is empty/);
    expect(r.errors[4]!.message).toMatch(/Neither SKU nor Variant ID/);
    expect(r.errors[5]!.message).toMatch(/Variant ID "12x" is not a number/);
    expect(r.errors[6]!.message).toMatch(/is not a date/);
    expect(r.errors[7]!.message).toMatch(/in the future/);
  });

  it("counts lines of quoted multi-line cells as the file's lines", () => {
    const text = `SKU,Unit cost,Currency\n"A\nB",1,USD\nC,x,USD\n`;
    const r = parseCostCsv(text, OPTS);
    expect(r.ok && r.errors).toEqual([{ line: 4, message: expect.stringContaining("not a number") }]);
  });

  it.each([
    ["", "The file is empty"],
    ["SKU,Unit cost,Currency\n", "no costs"],
    ["Name,Price\nx,1\n", "The header row lacks SKU or Variant ID, Unit cost, Currency"],
    ['SKU,Unit cost,Currency\n"unterminated,1,USD\n', "not valid CSV"],
  ])("refuses a file-level problem with one message: %j", (text, message) => {
    const r = parseCostCsv(text, OPTS);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.message).toContain(message);
  });

  it("takes exactly the row cap and refuses one row more", () => {
    const rows = (n: number) => "SKU,Unit cost,Currency\n" + Array.from({ length: n }, (_, i) => `S${i},1.25,USD`).join("\n");
    const atCap = parseCostCsv(rows(COST_CSV_LIMITS.maxRows), OPTS);
    expect(atCap.ok && atCap.rows.length).toBe(50_000);
    const over = parseCostCsv(rows(COST_CSV_LIMITS.maxRows + 1), OPTS);
    expect(over).toEqual({ ok: false, message: "The file has more than 50,000 rows. Split it into smaller files." });
  });

  it("refuses a file over the size cap before parsing it", () => {
    const big = "SKU,Unit cost,Currency\n" + "x".repeat(COST_CSV_LIMITS.maxBytes);
    expect(parseCostCsv(big, OPTS)).toEqual({ ok: false, message: "The file is larger than 8 MB. Split it into smaller files." });
  });
});

describe("costCsvLines", () => {
  it("writes the header and neutralises formula cells, leaving amounts as numbers", () => {
    const csv = [...costCsvLines([
      { sku: "=cmd|' /C calc'!A0", product: "+Mug, large", variant: "@x", variantId: "42", unitCost: "4.2", source: "Shopify", effectiveDate: "2026-11-01" },
      { sku: null, product: "Scarf", variant: null, variantId: "43", unitCost: null, source: "No cost recorded", effectiveDate: null },
    ], "USD")].join("");
    expect(csv.split("\r\n")).toEqual([
      COST_CSV_HEADERS.join(","),
      `'=cmd|' /C calc'!A0,"'+Mug, large",'@x,42,4.2,USD,Shopify,2026-11-01`,
      ",Scarf,,43,,USD,No cost recorded,",
      "",
    ]);
    // And what the export wrote reads back as the same SKU.
    const back = parseCostCsv(csv.replace("4.2,USD", "5,USD"), OPTS);
    expect(back.ok && back.rows[0]).toMatchObject({ sku: null, variantId: "42", unitCost: "5" });
  });
});
