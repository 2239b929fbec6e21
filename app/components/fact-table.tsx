/**
 * A small table of text facts (what we store, why, how long; what we hold for a
 * store) that wraps its cells instead of scrolling. Polaris' DataTable never wraps:
 * at phone width it turns into a sideways-scrolling region that a keyboard cannot
 * reach (axe `scrollable-region-focusable`), which is wrong for a few short rows of
 * prose. Same table semantics (caption-less, column headers with scope), Polaris'
 * tokens for spacing, borders and type.
 */
import { Text } from "@shopify/polaris";
import type { CSSProperties, ReactNode } from "react";

const table: CSSProperties = { width: "100%", borderCollapse: "collapse", tableLayout: "auto" };
const cell: CSSProperties = {
  padding: "var(--p-space-200) var(--p-space-300) var(--p-space-200) 0",
  borderBottom: "var(--p-border-width-025) solid var(--p-color-border-secondary)",
  verticalAlign: "top",
  textAlign: "start",
  overflowWrap: "anywhere",
};

export function FactTable({ headings, rows, numeric = [] }: { headings: string[]; rows: ReactNode[][]; numeric?: number[] }) {
  const align = (i: number): CSSProperties => (numeric.includes(i) ? { ...cell, textAlign: "end" } : cell);
  return (
    <table style={table}>
      <thead>
        <tr>
          {headings.map((h, i) => (
            <th key={h} scope="col" style={align(i)}>
              <Text as="span" variant="bodyMd" fontWeight="semibold">{h}</Text>
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((row, r) => (
          <tr key={r}>
            {row.map((value, i) => (
              <td key={i} style={align(i)}>
                <Text as="span" variant="bodyMd">{value}</Text>
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
