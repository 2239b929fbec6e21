import { describe, expect, it } from "vitest";

import { composeWeeklyEmail, type WeeklyEmail } from "./email.server";
import { computeMetrics, emptyComponents, type Metrics } from "./metrics";

const week = (over: Partial<Metrics>): Metrics => ({ ...computeMetrics({ ...emptyComponents(), grossSales: "3000.00", orders: 20, originalNetProduct: "3000.00" }), ...over });
const mail = (over: Partial<WeeklyEmail>): WeeklyEmail => ({
  to: "owner@example.com", shopName: "Shop", period: { from: "2026-03-02", to: "2026-03-08" }, currencyCode: "USD",
  metrics: week({}), narrative: null, narrativeLabel: null, ...over,
});

describe("weekly email: net profit and the top driver", () => {
  it("states net profit with its change, says when fees are estimated, and the top driver line", () => {
    const { text, html } = composeWeeklyEmail(mail({
      metrics: week({ netProfit: "412.50", paymentFeesEstimated: "12.30", unratedTransactions: 0 }),
      previous: week({ netProfit: "375.00", paymentFeesEstimated: "0.00" }),
      topDriver: "Net sales rose $500.00 on the previous week, mostly from 8 more orders (up 8%, +$774.07).",
    }));
    expect(text).toContain("Net profit: $412.50 (an estimate: includes $12.30 of payment fees estimated from your rates) (up 10.0% on the previous week)");
    expect(text).toContain("What moved: Net sales rose $500.00 on the previous week, mostly from 8 more orders (up 8%, +$774.07).");
    expect(html).toContain("<li>What moved: Net sales rose $500.00");
  });

  it("says nothing is estimated when nothing is, and names fees it could not count", () => {
    const exact = composeWeeklyEmail(mail({ metrics: week({ netProfit: "-20.00", paymentFeesEstimated: "0.00", unratedTransactions: 0 }) })).text;
    expect(exact).toContain("Net profit: -$20.00\n");
    expect(exact).not.toMatch(/estimate|What moved/);
    const unrated = composeWeeklyEmail(mail({ metrics: week({ netProfit: "10.00", paymentFeesEstimated: "0.00", unratedTransactions: 2 }) })).text;
    expect(unrated).toContain("Net profit: $10.00 (2 transactions without fee data or rate not counted)");
  });

  it("writes no net profit line for a snapshot saved before net profit", () => {
    expect(composeWeeklyEmail(mail({ metrics: week({}) })).text).not.toContain("Net profit");
  });
});
