/**
 * The privacy policy (/privacy), generated from the data inventory
 * (data-inventory.ts): what is collected and why, where it goes, how long it is kept
 * and how to have it deleted. Pure: the route supplies this deployment's settings.
 * Written from the same lists as the trust page, so the two cannot disagree.
 */
import { NEVER_STORED, STORED, subprocessors, type StoredKind, type Subprocessor } from "./data-inventory";

export interface PrivacyPolicy {
  collected: readonly StoredKind[];
  neverCollected: readonly string[];
  sharedWith: Subprocessor[];
  deletion: string[];
  contact: string | null;
}

export function privacyPolicy(config: { anthropic: boolean; smtp: boolean; contact: string | null }): PrivacyPolicy {
  return {
    collected: STORED,
    neverCollected: NEVER_STORED,
    sharedWith: subprocessors(config),
    deletion: [
      "Uninstall Margin Notes: its access tokens are deleted at once, and 48 hours later Shopify sends shop/redact, on which every row about your store is deleted, in every table.",
      "Or, as the store owner, use \"Delete my data now\" on the app's Security page: the same erase, at once, without uninstalling.",
      "Backups of the database are kept for at most 7 days, so erased data leaves them within 7 days of the erase.",
      "Customer data requests and customer erasure requests from Shopify are answered: Margin Notes holds no customer records.",
    ],
    contact: config.contact,
  };
}
