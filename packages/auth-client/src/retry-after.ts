/**
 * A `Retry-After` header (RFC 9110 §10.2.3: delay-seconds or an HTTP-date) in ms from now;
 * undefined when absent or unreadable. A date in the past gives 0.
 */
export function retryAfterMs(header: string | string[] | undefined, now = Date.now()): number | undefined {
  const value = (Array.isArray(header) ? header[0] : header)?.trim()
  if (!value) return undefined
  if (/^[0-9]+$/.test(value)) return Number(value) * 1000
  // an HTTP-date always ends in GMT; Date.parse alone would read '1.5' as a date
  const at = value.endsWith('GMT') ? Date.parse(value) : Number.NaN
  return Number.isNaN(at) ? undefined : Math.max(0, at - now)
}
