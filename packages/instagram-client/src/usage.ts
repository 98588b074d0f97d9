/**
 * Graph's usage headers (docs/instagram-api.md "Rate limits"), parsed into one typed object that
 * every response (and every Graph error) carries. Values are **percentages** of the limit (0–100+).
 *
 * - `X-App-Usage: {"call_count":28,"total_time":25,"total_cputime":25}` — the app's platform limit.
 * - `X-Business-Use-Case-Usage: {"<id>":[{"type":"instagram","call_count":…,"total_cputime":…,
 *   "total_time":…,"estimated_time_to_regain_access":<minutes>}]}` — per Instagram account.
 */

/** `X-App-Usage`, percentages of the app's limit. */
export interface AppUsage {
  callCount: number
  totalTime: number
  totalCputime: number
}

/** One entry of `X-Business-Use-Case-Usage`, percentages of that business object's limit. */
export interface BusinessUseCaseUsage {
  /** The key of the header object: the Instagram account (or business) id. */
  id: string
  /** e.g. `instagram`. */
  type: string
  callCount: number
  totalTime: number
  totalCputime: number
  /** `estimated_time_to_regain_access` in **minutes** (0 when not throttled). */
  estimatedTimeToRegainAccessMin: number
}

/** The parsed usage headers of one response. Absent or unreadable headers give empty parts. */
export interface GraphUsage {
  app: AppUsage | undefined
  businessUseCase: BusinessUseCaseUsage[]
  /** The highest percentage of all the above (0 without headers): back off as it nears 100. */
  maxPercent: number
  /** The longest `estimated_time_to_regain_access`, in **ms** (0 when none). */
  regainAccessMs: number
}

const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : Number(v) || 0)

function json(header: string | string[] | undefined): unknown {
  const text = Array.isArray(header) ? header[0] : header
  if (!text) return undefined
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

/** Parses the two headers (header names lower-cased, as undici gives them). Never throws. */
export function parseUsage(headers: Record<string, string | string[] | undefined>): GraphUsage {
  const appRaw = json(headers['x-app-usage'])
  const app =
    appRaw && typeof appRaw === 'object'
      ? {
          callCount: num((appRaw as Record<string, unknown>).call_count),
          totalTime: num((appRaw as Record<string, unknown>).total_time),
          totalCputime: num((appRaw as Record<string, unknown>).total_cputime),
        }
      : undefined
  const bucRaw = json(headers['x-business-use-case-usage'])
  const businessUseCase: BusinessUseCaseUsage[] = []
  if (bucRaw && typeof bucRaw === 'object') {
    for (const [id, entries] of Object.entries(bucRaw as Record<string, unknown>)) {
      for (const e of Array.isArray(entries) ? entries : []) {
        if (!e || typeof e !== 'object') continue
        const r = e as Record<string, unknown>
        businessUseCase.push({
          id,
          type: typeof r.type === 'string' ? r.type : '',
          callCount: num(r.call_count),
          totalTime: num(r.total_time),
          totalCputime: num(r.total_cputime),
          estimatedTimeToRegainAccessMin: num(r.estimated_time_to_regain_access),
        })
      }
    }
  }
  const percents = [
    ...(app ? [app.callCount, app.totalTime, app.totalCputime] : []),
    ...businessUseCase.flatMap((b) => [b.callCount, b.totalTime, b.totalCputime]),
  ]
  return {
    app,
    businessUseCase,
    maxPercent: Math.max(0, ...percents),
    regainAccessMs: Math.max(0, ...businessUseCase.map((b) => b.estimatedTimeToRegainAccessMin)) * 60_000,
  }
}
