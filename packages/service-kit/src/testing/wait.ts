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

/**
 * A promise settled from outside, to hold one side of a test until the other says so: await
 * `promise`; `resolve(value)` fulfils it (Node 20 has no `Promise.withResolvers`).
 */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void
  const promise = new Promise<T>((r) => {
    resolve = r
  })
  return { promise, resolve }
}
