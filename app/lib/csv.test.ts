import fc from "fast-check";
import { describe, expect, it } from "vitest";

import { csvCell, csvLine } from "./csv";

/** Reads one record back per RFC 4180 (the inverse of csvLine for a single line). */
function readRecord(line: string): string[] {
  const fields: string[] = [];
  let i = 0;
  const body = line.slice(0, -2);
  for (;;) {
    let field = "";
    if (body[i] === '"') {
      i++;
      for (;;) {
        if (body[i] === '"' && body[i + 1] === '"') { field += '"'; i += 2; continue; }
        if (body[i] === '"') { i++; break; }
        field += body[i++];
      }
    } else {
      while (i < body.length && body[i] !== ",") field += body[i++];
    }
    fields.push(field);
    if (i >= body.length) return fields;
    i++; // the comma
  }
}

describe("csvCell", () => {
  it("quotes fields with commas, quotes and line breaks, doubling quotes", () => {
    expect(csvCell("plain")).toBe("plain");
    expect(csvCell("a,b")).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell("one\r\ntwo")).toBe('"one\r\ntwo"');
    expect(csvCell(null)).toBe("");
    expect(csvCell(undefined)).toBe("");
    expect(csvCell(42)).toBe("42");
  });

  it("neutralises text that a spreadsheet would run as a formula", () => {
    for (const hostile of ["=1+1", "+1-555", "-2+3", "@SUM(A1)", "  =cmd", "\tx", "\rx", "＝1", "＋1", "－1", "＠x"]) {
      expect(csvCell(hostile).replace(/^"/, "")).toMatch(/^'/);
    }
    expect(csvCell('=HYPERLINK("https://evil.example","x")')).toBe(`"'=HYPERLINK(""https://evil.example"",""x"")"`);
  });

  it("leaves plain decimal numbers alone, negative ones included: they cannot carry a formula", () => {
    expect(csvCell("-20.00")).toBe("-20.00");
    expect(csvCell("-7")).toBe("-7");
    expect(csvCell("-1e5")).toBe("'-1e5");
    expect(csvCell("-20.00 ")).toBe("'-20.00 ");
    expect(csvCell(-3)).toBe("-3");
  });

  it("round-trips any text through an RFC 4180 reader, neutralised text keeping its content after the quote", () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: "binary" }), { minLength: 1, maxLength: 6 }), (cells) => {
        const line = csvLine(cells);
        expect(line.endsWith("\r\n")).toBe(true);
        const back = readRecord(line);
        expect(back).toHaveLength(cells.length);
        back.forEach((field, i) => expect(field === cells[i] || field === `'${cells[i]}`).toBe(true));
      }),
    );
  });
});
