import { createReadStream, statSync } from 'node:fs'
import { request } from 'undici'

/** An HTTP answer with its parsed JSON body. */
// biome-ignore lint/suspicious/noExplicitAny: black-box tests read whatever JSON the stack answers
export interface Answer<T = any> {
  status: number
  body: T
  headers: Record<string, string | string[] | undefined>
}

/** Calls `url` with an optional bearer token, JSON body or streamed file; never throws on status. */
// biome-ignore lint/suspicious/noExplicitAny: black-box tests read whatever JSON the stack answers
export async function call<T = any>(
  method: 'GET' | 'POST' | 'DELETE',
  url: string,
  opts: {
    token?: string
    json?: unknown
    headers?: Record<string, string>
    file?: { path: string; type: string }
  } = {},
): Promise<Answer<T>> {
  const headers: Record<string, string> = { accept: 'application/json', ...opts.headers }
  if (opts.token) headers.authorization = `Bearer ${opts.token}`
  let body: string | NodeJS.ReadableStream | undefined
  if (opts.json !== undefined) {
    headers['content-type'] = 'application/json'
    body = JSON.stringify(opts.json)
  } else if (opts.file) {
    headers['content-type'] = opts.file.type
    headers['content-length'] = String(statSync(opts.file.path).size)
    body = createReadStream(opts.file.path)
  }
  const res = await request(url, { method, headers, body: body as never })
  const text = await res.body.text()
  return {
    status: res.statusCode,
    body: text ? (JSON.parse(text) as T) : (undefined as T),
    headers: res.headers,
  }
}

/** Polls `fn` every `intervalMs` until `done` holds or `timeoutMs` passes; returns the last value. */
export async function pollUntil<T>(
  fn: () => Promise<T>,
  done: (v: T) => boolean,
  timeoutMs = 90_000,
  intervalMs = 500,
): Promise<T> {
  const end = Date.now() + timeoutMs
  let last = await fn()
  while (!done(last) && Date.now() < end) {
    await new Promise((r) => setTimeout(r, intervalMs))
    last = await fn()
  }
  return last
}
