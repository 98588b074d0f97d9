/**
 * Polls `check` every `intervalMs` (default 25 ms) until it holds.
 * @returns true as soon as it holds; false after `timeoutMs` (default 10 s).
 */
export async function waitUntil(
  check: () => boolean | Promise<boolean>,
  timeoutMs = 10_000,
  intervalMs = 25,
): Promise<boolean> {
  const end = Date.now() + timeoutMs
  while (Date.now() < end) {
    if (await check()) return true
    await new Promise((r) => setTimeout(r, intervalMs))
  }
  return false
}
