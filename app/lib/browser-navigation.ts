/**
 * Whether the browser is loading this address as a page: the admin framing the app, a
 * reload, a link opened in the frame. Browsers say so in Fetch Metadata
 * (`Sec-Fetch-Mode: navigate`, https://www.w3.org/TR/fetch-metadata/); Remix's data fetches
 * (client-side navigations, revalidations), App Bridge's fetches and scripts say otherwise or
 * nothing. A browser that sends no Fetch Metadata gets what every other request gets.
 */
export function isBrowserNavigation(request: Request): boolean {
  return request.headers.get("Sec-Fetch-Mode") === "navigate";
}
