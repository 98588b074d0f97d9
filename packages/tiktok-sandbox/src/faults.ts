/**
 * Fault injection: the next `count` requests to an endpoint fail in a chosen way.
 * - `internal_error`: HTTP `status` (default 500) with the `internal_error` envelope
 *   (OAuth endpoints: flat `server_error`).
 * - `rate_limit`: HTTP 429; `rate_limit_exceeded` in the v2 envelope (docs/tiktok-api.md §5), or on OAuth
 *   endpoints the flat shape (1.6) with `temporarily_unavailable`, the closest value 1.6 lists.
 * - `error`: an arbitrary TikTok error `code`: on OAuth endpoints the flat
 *   `{error: code, error_description, log_id}` with HTTP `status` (default
 *   `settings.oauthErrorHttpStatus`), e.g. `temporarily_unavailable`, `unauthorized_client`;
 *   elsewhere the v2 envelope with HTTP `status` (default 400).
 * - `timeout`: hold the request open for `holdMs` (default `settings.faultTimeoutHoldMs`),
 *   then drop the connection without a response.
 * - `connection_reset`: destroy the socket immediately.
 */
export type FaultKind = 'internal_error' | 'rate_limit' | 'error' | 'timeout' | 'connection_reset'

/** A queued fault. `endpoint` is a request-log endpoint name or `*` for any. */
export interface Fault {
  endpoint: string
  kind: FaultKind
  /** Remaining requests to fail. */
  count: number
  /** HTTP status for `internal_error` (500–599) or `error`. */
  status?: number
  /** TikTok error code for `error` (OAuth `error` or v2 `error.code`). */
  code?: string
  /** Human text for `error`; default a generic message. */
  message?: string
  /** ms to hold for `timeout`. */
  holdMs?: number
}

/** What `inject` takes; see {@link Fault}. `code` is required for kind `error`. */
export interface FaultInput {
  endpoint: string
  kind: FaultKind
  count?: number
  status?: number
  code?: string
  message?: string
  holdMs?: number
}

const KINDS: FaultKind[] = ['internal_error', 'rate_limit', 'error', 'timeout', 'connection_reset']

/** The fault queue, consumed in injection order. */
export interface Faults {
  inject(input: FaultInput): Fault
  /** Takes one fault for this endpoint, if any. */
  take(endpoint: string): Fault | undefined
  list(): Fault[]
  clear(): void
}

export function createFaults(): Faults {
  let faults: Fault[] = []
  return {
    inject(input) {
      if (!KINDS.includes(input.kind))
        throw new Error(`Unknown fault kind "${input.kind}" (use ${KINDS.join(', ')})`)
      if (input.kind === 'error' && !input.code) throw new Error('A fault of kind "error" needs a code')
      const f: Fault = { ...input, count: input.count ?? 1 }
      faults.push(f)
      return f
    },
    take(endpoint) {
      const f = faults.find((x) => x.count > 0 && (x.endpoint === endpoint || x.endpoint === '*'))
      if (!f) return undefined
      f.count--
      faults = faults.filter((x) => x.count > 0)
      return { ...f }
    },
    list: () => faults.map((f) => ({ ...f })),
    clear() {
      faults = []
    },
  }
}
