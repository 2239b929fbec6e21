/**
 * /.well-known/security.txt (RFC 9116), generated rather than hand-written so that
 * its Expires field can never go stale: it is computed from the time it is served.
 * The RFC asks for an Expires less than a year ahead; a short horizon also stops
 * caches and mirrors from keeping an old contact alive for long.
 */
export const SECURITY_TXT_PATH = "/.well-known/security.txt";
/** The disclosure section of the trust page, which doubles as the policy. */
export const DISCLOSURE_ANCHOR = "section-disclosure";
const EXPIRES_IN_DAYS = 180;

export interface SecurityTxtInput {
  /** The app's public origin (SHOPIFY_APP_URL). */
  appUrl: string;
  /** A mailto: address or an https:// page (SECURITY_CONTACT). */
  contact: string;
  now: Date;
  languages?: readonly string[];
}

export function isContactUri(contact: string): boolean {
  return /^(mailto:[^\s@]+@[^\s@]+|https:\/\/\S+)$/.test(contact);
}

export function securityTxt({ appUrl, contact, now, languages = ["en"] }: SecurityTxtInput): string {
  if (!isContactUri(contact)) throw new Error("security.txt: the contact must be a mailto: or https: URI");
  const origin = new URL(appUrl).origin;
  // Whole seconds: RFC 3339 as the RFC's own examples write it.
  const expires = new Date(Math.floor(now.getTime() / 1000) * 1000 + EXPIRES_IN_DAYS * 86_400_000);
  return [
    `# Margin Notes: how to report a security issue. Generated ${now.toISOString()}.`,
    `Contact: ${contact}`,
    `Expires: ${expires.toISOString()}`,
    `Policy: ${origin}/trust#${DISCLOSURE_ANCHOR}`,
    `Canonical: ${origin}${SECURITY_TXT_PATH}`,
    `Preferred-Languages: ${languages.join(", ")}`,
    "",
  ].join("\n");
}

/** The fields of a security.txt, by name (RFC 9116 §2.4: "Field: value" lines, # comments). */
export function parseSecurityTxt(text: string): Map<string, string[]> {
  const fields = new Map<string, string[]>();
  for (const line of text.split("\n")) {
    if (!line || line.startsWith("#")) continue;
    const match = /^([A-Za-z-]+): (.+)$/.exec(line);
    if (!match) throw new Error(`not a field line: ${line}`);
    fields.set(match[1]!.toLowerCase(), [...(fields.get(match[1]!.toLowerCase()) ?? []), match[2]!]);
  }
  return fields;
}
