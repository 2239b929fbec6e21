/**
 * "Dec 2, 2026, 3:14 PM EST": an instant on the shop's clock with its zone named, as the
 * Reports list, the Activity page and its CSV print times. Formatted on the server and
 * sent as text, so the viewer's own zone never changes it. A zone this runtime does not
 * know is shown in UTC, and says so.
 */
const formats = new Map<string, Intl.DateTimeFormat>();

function shopTimeFormat(timeZone: string): Intl.DateTimeFormat {
  let format = formats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-US", {
      timeZone, year: "numeric", month: "short", day: "numeric", hour: "numeric", minute: "2-digit", timeZoneName: "short",
    });
    formats.set(timeZone, format);
  }
  return format;
}

/** The zone itself when this runtime knows it, else "UTC" (what formatShopTime then uses). */
export function knownZone(timeZone: string | null | undefined): string {
  if (!timeZone) return "UTC";
  try {
    shopTimeFormat(timeZone);
    return timeZone;
  } catch {
    return "UTC";
  }
}

export function formatShopTime(instant: Date, timeZone: string | null | undefined): string {
  // ICU puts a narrow no-break space before AM/PM; a plain one reads and copies the same everywhere.
  return shopTimeFormat(knownZone(timeZone)).format(instant).replace(/\u202f/g, " ");
}
