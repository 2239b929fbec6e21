/**
 * The settings form's rules, shared by the page (inline errors as the merchant types, before
 * anything is sent) and the action (the same rules, enforced). One schema, so the page never
 * accepts what the server refuses, and every message names the setting as the page labels it.
 */
import { z } from "zod";

const intField = (name: string, min: number, max: number) =>
  z.coerce
    .number({ error: `${name} must be a whole number` })
    .int(`${name} must be a whole number`)
    .min(min, `${name} must be between ${min} and ${max}`)
    .max(max, `${name} must be between ${min} and ${max}`);

/** The settings form, as posted (checkbox "on" or absent, numbers as text). */
export const SettingsFormSchema = z
  .object({
    // Absent: unchanged (a form that does not show the switch cannot turn AI back on or off).
    aiEnabled: z.enum(["on", "true", "false", "off"]).optional().transform((v) => (v === undefined ? undefined : v === "on" || v === "true")),
    narrativeDailyLimit: intField("Narratives per day", 1, 100),
    weeklyReportEnabled: z.enum(["on", "true", "false", ""]).optional().transform((v) => v === "on" || v === "true"),
    weeklyReportWeekday: intField("The day", 0, 6),
    weeklyReportHour: intField("The time", 0, 23),
    reportEmail: z
      .string()
      .trim()
      .max(254, "The email address is too long")
      .transform((v) => (v === "" ? null : v))
      .pipe(z.email("Enter a valid email address, or leave it empty").nullable()),
  })
  .strict();

export type SettingsField = "aiEnabled" | "narrativeDailyLimit" | "weeklyReportEnabled" | "weeklyReportWeekday" | "weeklyReportHour" | "reportEmail";
export type SettingsFieldErrors = Partial<Record<SettingsField, string>>;

/** The first problem with each field of a posted (or about to be posted) form; empty when it is valid. */
export function settingsFieldErrors(form: Record<string, unknown>): SettingsFieldErrors {
  const parsed = SettingsFormSchema.safeParse(form);
  const errors: SettingsFieldErrors = {};
  if (parsed.success) return errors;
  for (const issue of parsed.error.issues) {
    const key = String(issue.path[0] ?? "") as SettingsField;
    errors[key] ??= issue.message;
  }
  return errors;
}
