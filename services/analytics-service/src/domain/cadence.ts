/** One step of the sync cadence: videos younger than `maxAgeMs` are synced every `intervalMs`. */
export interface CadenceStep {
  maxAgeMs: number
  intervalMs: number
}

/** A parsed `SYNC_CADENCE`: steps sorted by age. */
export type Cadence = readonly CadenceStep[]

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }

function parseDuration(raw: string): number {
  const m = /^(\d+)(ms|s|m|h|d)$/.exec(raw.trim())
  if (!m) throw new Error(`"${raw}" is not a duration like 15m, 1h or 7d`)
  return Number(m[1]) * UNIT_MS[m[2]!]!
}

/**
 * Parses `SYNC_CADENCE`, e.g. `1d=15m,7d=1h,90d=1d` (every 15 min in the first day, hourly in
 * the first week, daily to 90 days, then stop). Units: ms, s, m, h, d.
 * @throws Error naming the bad step when a step is malformed, not ascending, or has a zero interval.
 */
export function parseCadence(spec: string): Cadence {
  const steps = spec.split(',').map((part) => {
    const [age, interval, extra] = part.split('=')
    if (!age || !interval || extra !== undefined)
      throw new Error(`cadence step "${part}" is not age=interval`)
    return { maxAgeMs: parseDuration(age), intervalMs: parseDuration(interval) }
  })
  steps.forEach((s, i) => {
    if (s.intervalMs <= 0) throw new Error('a cadence interval must be > 0')
    if (i > 0 && s.maxAgeMs <= steps[i - 1]!.maxAgeMs) throw new Error('cadence ages must ascend')
  })
  return steps
}

/**
 * When a video should next be synced, given when it was posted and when it was measured (Unix
 * ms). An unknown post time counts as "just posted". Returns `null` once the video is older than
 * the last step: it is no longer synced.
 */
export function nextVideoSyncAt(
  cadence: Cadence,
  postedAtMs: number | null,
  measuredAtMs: number,
): number | null {
  const age = Math.max(0, measuredAtMs - (postedAtMs ?? measuredAtMs))
  const step = cadence.find((s) => age < s.maxAgeMs)
  if (!step) return null
  return measuredAtMs + step.intervalMs
}
