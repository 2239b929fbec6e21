/**
 * CSV writing shared by every export (activity, reports). Pure: no I/O, no server
 * imports, so it is unit-tested on its own and usable anywhere.
 *
 *  - RFC 4180: fields with a comma, quote, CR or LF are quoted, quotes doubled,
 *    records end with CRLF.
 *  - Spreadsheet formula injection (OWASP "CSV injection"): a text cell starting
 *    with = + - @ (or their full-width forms), tab or CR, even after spaces, gets a
 *    leading single quote so Excel, Sheets and LibreOffice show it as text.
 *    A cell that is exactly a plain decimal number ("-12.50") is left alone: it
 *    cannot carry a formula, and reports need their negative amounts as numbers.
 */

const FORMULA_START = /^[\s]*[=+\-@\uFF1D\uFF0B\uFF0D\uFF20]|^[\t\r]/;
const PLAIN_DECIMAL = /^-?\d+(\.\d+)?$/;

export type CsvValue = string | number | null | undefined;

/** One RFC 4180 field, neutralised against formula injection. */
export function csvCell(value: CsvValue): string {
  let text = value === null || value === undefined ? "" : String(value);
  if (typeof value === "string" && FORMULA_START.test(text) && !PLAIN_DECIMAL.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One record, CRLF-terminated. */
export const csvLine = (cells: readonly CsvValue[]): string => `${cells.map(csvCell).join(",")}\r\n`;

/** A CSV attachment, never cached. (Callers add the security headers.) */
export function csvAttachmentHeaders(filename: string): Headers {
  return new Headers({
    "Content-Type": "text/csv; charset=utf-8",
    "Content-Disposition": `attachment; filename="${filename.replace(/["\\\r\n]/g, "_")}"`,
    "Cache-Control": "no-store",
  });
}
