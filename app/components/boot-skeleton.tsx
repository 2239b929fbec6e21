/**
 * An embedded page's first paint: its title and grey blocks, drawn by a few inline rules, before
 * Polaris' stylesheet has arrived.
 *
 * Why: Polaris' stylesheet is 442 KB (60 KB gzipped) and, linked in the head, it blocks every
 * paint of the frame until it has arrived and been parsed. On a first open (nothing cached) it
 * comes from the app's server while that server is busiest: the install, the first sync, and on
 * the embedded database (PGlite runs in the server's thread) every query holds the event loop
 * that would answer it. Measured by tests/e2e/first-sync.test.ts: the stylesheet arrived ~400 ms
 * after it was asked for, and the frame stayed blank until then.
 *
 * How: the stylesheet is linked at the top of the body instead, after this skeleton. A page's
 * content comes after the link and an empty parser-inserted script: a script waits for every
 * stylesheet before it (HTML's "script-blocking style sheet"), and the parser waits for the
 * script, so by HTML's rules the page's content is not parsed before Polaris is there (no
 * unstyled flash; tests/e2e/first-paint.test.ts checks it in Chromium). What is above the
 * link paints at once. The inline rule after the script hides the skeleton in the same parse as
 * the content appears. With the stylesheet cached the parser does not stop and the first paint is
 * the page itself.
 *
 * The skeleton's measurements are Polaris' Page (max width 62.375rem, padding 1.5rem/1rem on
 * small screens) and its card and skeleton-text tokens, so the page that replaces it starts where
 * it ended. It is hidden from assistive technology: it says nothing the page will not.
 */
import polarisStyles from "@shopify/polaris/build/esm/styles.css";

/** An embedded route's `handle`: the title its skeleton shows (its Page's title). */
export interface PageHandle {
  title: string;
}

/** Polaris' tokens, as values (the custom properties arrive with the stylesheet). */
export const BOOT_STYLE = [
  ".mn-boot{box-sizing:border-box;max-width:62.375rem;margin:0 auto;padding:1.5rem;font-family:-apple-system,BlinkMacSystemFont,\"San Francisco\",\"Segoe UI\",Roboto,\"Helvetica Neue\",sans-serif;color:#303030}",
  "@media (max-width:47.9975em){.mn-boot{padding:1rem}}",
  "body{margin:0}",
  ".mn-boot h1{margin:0 0 1rem;font-size:1.25rem;line-height:1.5rem;font-weight:650}",
  ".mn-boot-card{background:#fff;border-radius:.75rem;box-shadow:0 1px 0 0 rgba(26,26,26,.07),inset 0 -1px 0 0 #d4d4d4;padding:1rem;margin-bottom:1rem}",
  ".mn-boot-line{height:.5rem;border-radius:.25rem;background:#e3e3e3;margin:.375rem 0}",
  ".mn-boot-line+.mn-boot-line{width:70%}",
  ".mn-boot-card.mn-boot-tall{height:14rem}",
].join("");

/** Placed after the stylesheet's link and the script that waits for it: the content is here. */
const HIDE_BOOT = ".mn-boot{display:none}";

export function BootSkeleton({ title }: { title: string }) {
  return (
    <div className="mn-boot" aria-hidden="true">
      <h1>{title}</h1>
      <div className="mn-boot-card">
        <div className="mn-boot-line" />
        <div className="mn-boot-line" />
      </div>
      <div className="mn-boot-card mn-boot-tall" />
    </div>
  );
}

/**
 * Polaris' stylesheet in the body, and what holds the page's content until it is there (above).
 * The script's single space matters: a script with no text is never prepared, so it would not wait.
 */
export function PolarisStylesheetGate() {
  return (
    <>
      <link rel="stylesheet" href={polarisStyles} />
      <script dangerouslySetInnerHTML={{ __html: " " }} />
      <style dangerouslySetInnerHTML={{ __html: HIDE_BOOT }} />
    </>
  );
}
