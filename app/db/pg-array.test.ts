import { describe, expect, it } from "vitest";

import { toArrayLiteral } from "./pg-array";

describe("toArrayLiteral", () => {
  it("quotes text, escapes quotes and backslashes, and keeps NULL distinct from 'NULL'", () => {
    expect(toArrayLiteral(['a "b"', "c\\d", null, "NULL", "", "x,y{z}"])).toBe('{"a \\"b\\"","c\\\\d",NULL,"NULL","","x,y{z}"}');
  });
  it("writes numbers and booleans bare", () => {
    expect(toArrayLiteral([1, -2.5, true, false])).toBe("{1,-2.5,true,false}");
    expect(toArrayLiteral([])).toBe("{}");
  });
});
