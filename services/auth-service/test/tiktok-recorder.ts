import { createServer, type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Teardownable } from '@social-bridge/service-kit/testing'
import { request } from 'undici'

/**
 * Form fields, query parameters and JSON keys (top level or under `data`) whose values are
 * credentials (docs/tiktok-api.md §1.4, §1.5; TikTok Shop's token URLs, docs/tiktok-shop-api.md §2).
 */
const SECRET_FIELDS = [
  'client_secret',
  'code',
  'code_verifier',
  'refresh_token',
  'token',
  'access_token',
  'app_secret',
  'auth_code',
]

/** What a {@link startTikTokRecorder} saw on the wire, by field name (`bearer` = Authorization). */
export interface TikTokRecorder {
  /** Base URL to use as TIKTOK_API_BASE_URL. */
  url: string
  values: Map<string, Set<string>>
  /** Every recorded value, whatever its field. */
  all(): string[]
}

const HOP_BY_HOP = new Set(['host', 'connection', 'keep-alive', 'transfer-encoding', 'content-length'])
const forwardable = (headers: IncomingHttpHeaders | Record<string, string | string[] | undefined>) =>
  Object.fromEntries(
    Object.entries(headers).filter(([k, v]) => v !== undefined && !HOP_BY_HOP.has(k)),
  ) as Record<string, string | string[]>

/**
 * A pass-through HTTP proxy in front of one of the sandbox's hosts (TikTok's API, TikTok Shop's token host) that records every credential
 * exchanged with it — form fields of token/revoke requests, `access_token`/`refresh_token` of
 * answers, bearer tokens — so a test can look for the exact values TikTok issued. Closed at teardown.
 */
export async function startTikTokRecorder(t: Teardownable, target: string): Promise<TikTokRecorder> {
  const values = new Map<string, Set<string>>()
  const record = (field: string, value: unknown) => {
    if (typeof value !== 'string' || value === '') return
    if (!values.has(field)) values.set(field, new Set())
    values.get(field)!.add(value)
  }
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = []
    for await (const c of req) chunks.push(c as Buffer)
    const body = Buffer.concat(chunks)
    if (String(req.headers['content-type']).includes('x-www-form-urlencoded')) {
      for (const [k, v] of new URLSearchParams(body.toString('utf8')))
        if (SECRET_FIELDS.includes(k)) record(k, v)
    }
    for (const [k, v] of new URL(req.url ?? '/', target).searchParams)
      if (SECRET_FIELDS.includes(k)) record(k, v)
    const bearer = /^Bearer (.+)$/i.exec(String(req.headers.authorization ?? ''))
    if (bearer) record('bearer', bearer[1])
    record('x-tts-access-token', req.headers['x-tts-access-token'])
    const up = await request(new URL(req.url ?? '/', target), {
      method: req.method as 'GET',
      headers: forwardable(req.headers),
      body: body.length > 0 ? body : null,
    })
    const answer = Buffer.from(await up.body.arrayBuffer())
    try {
      const json = JSON.parse(answer.toString('utf8')) as Record<string, unknown>
      const data = (json.data ?? {}) as Record<string, unknown>
      for (const k of SECRET_FIELDS) {
        record(k, json[k])
        record(k, data[k])
      }
    } catch {
      // not JSON: nothing to record
    }
    res.writeHead(up.statusCode, forwardable(up.headers))
    res.end(answer)
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  t.teardown(() => {
    const closed = new Promise((r) => server.close(r))
    server.closeAllConnections()
    return closed
  })
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    values,
    all: () => [...values.values()].flatMap((s) => [...s]),
  }
}
