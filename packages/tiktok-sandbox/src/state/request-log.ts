import type { RefreshTokenState } from './tokens.js'

/** What a request notes about itself while it is handled: the optional part of a log entry. */
export interface RequestLogNotes {
  /** TikTok error code (`error.code` or OAuth `error`), absent on success. */
  errorCode?: string
  /** `grant_type` of token calls. */
  grantType?: string
  /** For `grant_type=refresh_token`: was the presented refresh token current, rotated away or unknown. */
  refreshToken?: RefreshTokenState
  /** `open_id` the request acted for, when known. */
  openId?: string
  /** Upload PUT: the Content-Range header as received. */
  contentRange?: string
  /** Upload PUT: the progress Content-Range the sandbox answered (absent when none was sent). */
  progress?: string
  /** Upload PUT: body bytes received. */
  bytes?: number
  /** Name of the injected fault that answered this request. */
  fault?: string
}

/**
 * One request the sandbox answered (or dropped through a fault). Never holds the client secret,
 * codes or tokens.
 */
export interface RequestLogEntry extends RequestLogNotes {
  seq: number
  /** Virtual Unix ms at arrival. */
  time: number
  /** Endpoint name, e.g. `oauth.token`, `user.info`, `video.init`, `upload` (see README). */
  endpoint: string
  method: string
  /** URL path without the query string. */
  path: string
  /** HTTP status sent; 0 when a fault dropped the connection. */
  status: number
}

/** Append-only request log readable by tests. */
export interface RequestLog {
  add(entry: Omit<RequestLogEntry, 'seq'>): RequestLogEntry
  list(): RequestLogEntry[]
  clear(): void
}

export function createRequestLog(): RequestLog {
  let entries: RequestLogEntry[] = []
  let seq = 0
  return {
    add(entry) {
      const e = { seq: ++seq, ...entry }
      entries.push(e)
      return e
    },
    list: () => entries.map((e) => ({ ...e })),
    clear() {
      entries = []
    },
  }
}
