/**
 * Downloads a file from one of the app's own routes in the browser. Through
 * fetch, not a link: inside the admin iframe only App Bridge's patched fetch
 * carries the session token those routes require.
 */
export async function downloadFile(url: string, fallbackName: string): Promise<void> {
  const response = await fetch(url);
  if (!response.ok) throw new Error((await response.text()) || `The download failed (HTTP ${response.status}).`);
  const filename = /filename="([^"]+)"/.exec(response.headers.get("content-disposition") ?? "")?.[1] ?? fallbackName;
  const objectUrl = URL.createObjectURL(await response.blob());
  const anchor = document.createElement("a");
  anchor.href = objectUrl;
  anchor.download = filename;
  document.body.appendChild(anchor);
  anchor.click();
  anchor.remove();
  // Some browsers read the blob after click() returns; release it a little later.
  setTimeout(() => URL.revokeObjectURL(objectUrl), 10_000);
}
