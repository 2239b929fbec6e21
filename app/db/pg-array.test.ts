import { describe, expect, it } from "vitest";

import { toArrayLiteral } from "./pg-array";

describe("toArrayLiteral", () => {
  it("quotes text, escapes quotes and backslashes, and keeps NULL distinct from 'NULL'", () => {
    expect(toArrayLiteral(['a "b"', "c\\d", null, "NULL", "null", "", "x,y{z}", "a b"])).toBe('{"a \\"b\\"","c\\\\d",NULL,"NULL","null","","x,y{z}","a b"}');
  });
  it("writes ids, amounts, ISO timestamps and enums bare", () => {
    expect(toArrayLiteral(["123", "-10.50", "2026-01-01T12:00:00Z", "2026-03-08T02:30:00-05:00", "ORDER_EDIT"]))
      .toBe("{123,-10.50,2026-01-01T12:00:00Z,2026-03-08T02:30:00-05:00,ORDER_EDIT}");
  });
  it("writes numbers and booleans bare", () => {
    expect(toArrayLiteral([1, -2.5, true, false])).toBe("{1,-2.5,true,false}");
    expect(toArrayLiteral([])).toBe("{}");
  });
});
