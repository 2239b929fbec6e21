/** RFC 4180 parser (quoted fields, doubled quotes, CRLF records); throws on malformed input. */
export function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let field = "";
  let record: string[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '"' && field === "") {
      i++;
      for (;;) {
        if (i >= text.length) throw new Error("unterminated quoted field");
        if (text[i] === '"' && text[i + 1] === '"') { field += '"'; i += 2; continue; }
        if (text[i] === '"') { i++; break; }
        field += text[i++];
      }
      if (i < text.length && text[i] !== "," && text[i] !== "\r") throw new Error(`text after closing quote at ${i}`);
    } else if (c === ",") {
      record.push(field); field = ""; i++;
    } else if (c === "\r") {
      if (text[i + 1] !== "\n") throw new Error(`bare CR at ${i}`);
      record.push(field); records.push(record); field = ""; record = []; i += 2;
    } else if (c === "\n" || c === '"') {
      throw new Error(`bare ${JSON.stringify(c)} in an unquoted field at ${i}`);
    } else {
      field += c; i++;
    }
  }
  if (field !== "" || record.length) throw new Error("last record does not end with CRLF");
  return records;
}
