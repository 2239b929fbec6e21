/**
 * The report period and comparison: a button that opens a popover with presets
 * and a two-month range calendar (Polaris' date-range pattern), plus a comparison
 * select. It only proposes a new range: the page puts it in the URL, so every
 * view is linkable and the back button works.
 *
 * Preset ranges arrive computed by the server in the shop's time zone; the
 * browser's own zone never decides what "today" is. Apply takes only what the server
 * accepts (real days, in order, not after today, at most the server's own length limit from
 * period.ts), so a picked range never comes back as an error.
 */
import { BlockStack, Box, Button, DatePicker, InlineGrid, InlineStack, OptionList, Popover, Select, Text, TextField, useBreakpoints } from "@shopify/polaris";
import { useCallback, useState } from "react";

import { formatPeriod } from "~/lib/format";
import { MAX_PERIOD_MESSAGE, periodTooLong } from "~/reports/period-length";

export type CompareChoice = "previous_period" | "previous_year" | "none";

export interface PresetOption {
  key: string;
  label: string;
  from: string;
  to: string;
}

export interface DateRangeValue {
  /** The preset in the URL, if the range came from one. */
  preset: string | null;
  from: string;
  to: string;
  compare: CompareChoice;
}

export type RangeChoice = { preset: string } | { from: string; to: string };

export interface DateRangeControlProps {
  value: DateRangeValue;
  /** The shop's today: later days cannot be picked. */
  today: string;
  presets: PresetOption[];
  comparePeriod: { from: string; to: string } | null;
  onRangeChange(choice: RangeChoice): void;
  onCompareChange(compare: CompareChoice): void;
}

const CUSTOM = "custom";
const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

// DatePicker works in local Date objects; our days are plain calendar days.
const toDate = (day: string) => {
  const [y, m, d] = day.split("-").map(Number) as [number, number, number];
  return new Date(y, m - 1, d);
};
const fromDate = (date: Date) =>
  `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, "0")}-${String(date.getDate()).padStart(2, "0")}`;
const isRealDay = (day: string) => ISO_DAY.test(day) && fromDate(toDate(day)) === day;

/** The calendar shows two months ending with the month of `day`. */
function monthsEndingAt(day: string) {
  const date = toDate(day);
  const first = new Date(date.getFullYear(), date.getMonth() - 1, 1);
  return { month: first.getMonth(), year: first.getFullYear() };
}
const shiftMonth = (view: { month: number; year: number }, n: number) => {
  const date = new Date(view.year, view.month + n, 1);
  return { month: date.getMonth(), year: date.getFullYear() };
};

const COMPARE_OPTIONS = [
  { label: "Previous period", value: "previous_period" },
  { label: "Previous year", value: "previous_year" },
  { label: "No comparison", value: "none" },
];

export function rangeLabel(value: Pick<DateRangeValue, "preset" | "from" | "to">, presets: PresetOption[]): string {
  return presets.find((p) => p.key === value.preset)?.label ?? formatPeriod(value);
}

export function DateRangeControl({ value, today, presets, comparePeriod, onRangeChange, onCompareChange }: DateRangeControlProps) {
  const [open, setOpen] = useState(false);
  const [draft, setDraft] = useState({ preset: value.preset ?? CUSTOM, from: value.from, to: value.to });
  const [inputs, setInputs] = useState({ from: value.from, to: value.to });
  const [view, setView] = useState(() => monthsEndingAt(value.to));
  // On a phone (Polaris' md breakpoint) the presets are a select and the calendar one month,
  // so the popover fits the screen and Apply stays in reach.
  const { mdUp } = useBreakpoints();
  const compact = !mdUp;
  const shown = compact ? shiftMonth(view, 1) : view;

  const reset = useCallback(() => {
    setDraft({ preset: value.preset ?? CUSTOM, from: value.from, to: value.to });
    setInputs({ from: value.from, to: value.to });
    setView(monthsEndingAt(value.to));
  }, [value.preset, value.from, value.to]);

  const toggle = () => {
    if (!open) reset();
    setOpen(!open);
  };

  const choose = (next: { preset: string; from: string; to: string }) => {
    setDraft(next);
    setInputs({ from: next.from, to: next.to });
  };

  const onPreset = (selected: string[]) => {
    const preset = presets.find((p) => p.key === selected[0]);
    if (preset) {
      choose({ preset: preset.key, from: preset.from, to: preset.to });
      setView(monthsEndingAt(preset.to));
    } else {
      setDraft((d) => ({ ...d, preset: CUSTOM }));
    }
  };

  const onTyped = (field: "from" | "to", text: string) => {
    setInputs((i) => ({ ...i, [field]: text }));
    if (isRealDay(text)) {
      setDraft((d) => ({ ...d, preset: CUSTOM, [field]: text }));
      setView(monthsEndingAt(text));
    }
  };

  // Errors sit on the field they are about (Polaris wires aria-invalid and the description).
  const fromError = isRealDay(inputs.from) ? undefined : "Enter a date as YYYY-MM-DD";
  const toError = !isRealDay(inputs.to)
    ? "Enter a date as YYYY-MM-DD"
    : !fromError && inputs.from > inputs.to
      ? "Must be on or after the start date"
      : inputs.to > today
        ? "Cannot be after today"
        : !fromError && periodTooLong(inputs)
          ? MAX_PERIOD_MESSAGE
          : undefined;
  const typedError = Boolean(fromError || toError);

  const apply = () => {
    if (typedError) return;
    setOpen(false);
    onRangeChange(draft.preset !== CUSTOM ? { preset: draft.preset } : { from: draft.from, to: draft.to });
  };

  const current = rangeLabel(value, presets);
  const presetOptions = [...presets.map((p) => ({ value: p.key, label: p.label })), { value: CUSTOM, label: "Custom" }];
  const activator = (
    <Button disclosure={open ? "up" : "down"} onClick={toggle} accessibilityLabel={`Date range: ${current}. Change date range`}>
      {current}
    </Button>
  );

  return (
    <InlineStack gap="300" blockAlign="center" wrap>
      <Popover active={open} activator={activator} onClose={() => setOpen(false)} autofocusTarget="first-node" preferredAlignment="left" fluidContent ariaHaspopup="dialog">
        {/* Named sections: the popover is drawn outside the page's landmarks. */}
        <Popover.Pane fixed>
          <section aria-label="Choose a date range">
            <Box padding="400">
              <InlineGrid columns={{ xs: "1fr", md: "max-content max-content" }} gap="400">
                {compact ? (
                  <Select label="Date range" options={presetOptions} value={draft.preset} onChange={(v) => onPreset([v])} />
                ) : (
                  <Box minWidth="160px">
                    <OptionList title="Date range" options={presetOptions} selected={[draft.preset]} onChange={onPreset} />
                  </Box>
                )}
                {/* The two-month calendar sizes itself to its container: give it a width. */}
                <div style={{ width: compact ? "calc(100vw - 6rem)" : "min(34rem, calc(100vw - 6rem))" }}>
                  <BlockStack gap="400">
                    <InlineStack gap="200" wrap={false}>
                      <TextField label="Start date" value={inputs.from} onChange={(t) => onTyped("from", t)} autoComplete="off" placeholder="YYYY-MM-DD" error={fromError} />
                      <TextField label="End date" value={inputs.to} onChange={(t) => onTyped("to", t)} autoComplete="off" placeholder="YYYY-MM-DD" error={toError} />
                    </InlineStack>
                    <DatePicker
                      month={shown.month}
                      year={shown.year}
                      onMonthChange={(month, year) => setView(compact ? shiftMonth({ month, year }, -1) : { month, year })}
                      selected={{ start: toDate(draft.from), end: toDate(draft.to) }}
                      onChange={({ start, end }) => choose({ preset: CUSTOM, from: fromDate(start), to: fromDate(end ?? start) })}
                      disableDatesAfter={toDate(today)}
                      multiMonth={!compact}
                      allowRange
                    />
                  </BlockStack>
                </div>
              </InlineGrid>
            </Box>
          </section>
        </Popover.Pane>
        <Popover.Pane fixed>
          <section aria-label="Apply the date range">
            <Box padding="300">
              <InlineStack align="end" gap="200">
                <Button onClick={() => setOpen(false)}>Cancel</Button>
                <Button variant="primary" onClick={apply} disabled={typedError}>Apply</Button>
              </InlineStack>
            </Box>
          </section>
        </Popover.Pane>
      </Popover>
      <Box minWidth="220px">
        <Select label="Compare to" labelInline options={COMPARE_OPTIONS} value={value.compare} onChange={(v) => onCompareChange(v as CompareChoice)} />
      </Box>
      {comparePeriod ? <Text as="span" tone="subdued">Compared with {formatPeriod(comparePeriod)}</Text> : null}
    </InlineStack>
  );
}
