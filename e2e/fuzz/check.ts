import { Readable } from 'node:stream'
import type { Pool } from 'undici'
import type { FuzzOperation } from './operations.js'
import type { FuzzRequest } from './requests.js'

/** What came back: the status, the request id header and the body as text; or the failure to get an answer. */
export interface FuzzAnswer {
  status: number
  requestIdHeader?: string
  body: string
  error?: string
}

/** Sends `req` on `pool` (the gateway at 127.0.0.1) and reads the whole answer; never throws. */
export async function send(pool: Pool, req: FuzzRequest): Promise<FuzzAnswer> {
  try {
    const body = req.chunked && req.body !== undefined ? Readable.from([req.body]) : req.body
    const res = await pool.request({
      method: req.method as 'GET',
      path: req.path,
      headers: req.headers,
      body,
      headersTimeout: 30_000,
      bodyTimeout: 30_000,
    })
    const id = res.headers['x-request-id']
    if (res.statusCode < 300 && String(res.headers['content-type']).startsWith('text/event-stream')) {
      // a live stream (GET /v1/events) never ends, it sends heartbeats: its status and headers are the answer
      res.body.destroy()
      return { status: res.statusCode, body: '', ...(typeof id === 'string' ? { requestIdHeader: id } : {}) }
    }
    const text = await res.body.text()
    return { status: res.statusCode, body: text, ...(typeof id === 'string' ? { requestIdHeader: id } : {}) }
  } catch (err) {
    return { status: 0, body: '', error: `${(err as Error).name}: ${(err as Error).message}` }
  }
}

const ERROR_KEYS = new Set(['code', 'message', 'details'])

/**
 * What is wrong with an answer to `op` (empty when nothing): no answer, a 5xx, a status the
 * OpenAPI document does not list for the operation, or an error not in the shared shape
 * `{ error: { code, message, details? }, requestId }` with the `x-request-id` header's id.
 */
export function problemsOf(op: FuzzOperation, answer: FuzzAnswer): string[] {
  if (answer.error) return [`no answer (${answer.error})`]
  const problems: string[] = []
  if (answer.status >= 500) problems.push(`answered ${answer.status}`)
  if (!op.statuses.has(answer.status))
    problems.push(`status ${answer.status} is not documented for ${op.key}`)
  if (answer.status < 400) return problems
  let body: { error?: Record<string, unknown>; requestId?: unknown } | undefined
  try {
    body = JSON.parse(answer.body)
  } catch {
    return [...problems, `error body is not JSON: ${answer.body.slice(0, 120)}`]
  }
  const keys = Object.keys(body ?? {}).sort()
  if (keys.join() !== 'error,requestId') problems.push(`error body keys are ${keys.join()}`)
  const error = body?.error ?? {}
  if (!Object.keys(error).every((k) => ERROR_KEYS.has(k))) problems.push(`error keys ${Object.keys(error)}`)
  if (typeof error.code !== 'string' || !/^[A-Z][A-Z0-9_]*$/.test(error.code)) problems.push('no error.code')
  if (typeof error.message !== 'string') problems.push('no error.message')
  if (typeof body?.requestId !== 'string' || !body.requestId) problems.push('no requestId')
  else if (body.requestId !== answer.requestIdHeader) problems.push('requestId differs from x-request-id')
  return problems
}

/** A one-line kind of an answer for the summary: status and error code. */
export function kindOf(answer: FuzzAnswer): string {
  if (answer.error) return 'no answer'
  try {
    return `${answer.status} ${JSON.parse(answer.body)?.error?.code ?? ''}`.trim()
  } catch {
    return String(answer.status)
  }
}
