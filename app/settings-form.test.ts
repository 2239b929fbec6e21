import { describe, expect, it } from "vitest";

import { SettingsFormSchema, settingsFieldErrors } from "./settings-form";

const valid = { aiEnabled: "true", narrativeDailyLimit: "20", weeklyReportEnabled: "on", weeklyReportWeekday: "1", weeklyReportHour: "8", reportEmail: "" };

describe("settings form rules", () => {
  it("accepts a valid form and reports no error", () => {
    expect(settingsFieldErrors(valid)).toEqual({});
    expect(SettingsFormSchema.parse(valid)).toMatchObject({ narrativeDailyLimit: 20, weeklyReportEnabled: true, reportEmail: null });
  });

  it("says what is wrong per field, in the page's words, never a field name", () => {
    const errors = settingsFieldErrors({ ...valid, narrativeDailyLimit: "0", reportEmail: "not-an-address", weeklyReportHour: "24" });
    expect(errors).toEqual({
      narrativeDailyLimit: "Narratives per day must be between 1 and 100",
      reportEmail: "Enter a valid email address, or leave it empty",
      weeklyReportHour: "The time must be between 0 and 23",
    });
    for (const message of Object.values(errors)) expect(message).not.toMatch(/narrativeDailyLimit|reportEmail|weeklyReportHour/);
  });

  it("refuses a fraction and text where a whole number belongs", () => {
    expect(settingsFieldErrors({ ...valid, narrativeDailyLimit: "2.5" }).narrativeDailyLimit).toBe("Narratives per day must be a whole number");
    expect(settingsFieldErrors({ ...valid, narrativeDailyLimit: "ten" }).narrativeDailyLimit).toBe("Narratives per day must be a whole number");
  });

  it("refuses fields it does not know", () => {
    expect(SettingsFormSchema.safeParse({ ...valid, role: "owner" }).success).toBe(false);
  });
});
