import fc, { type Arbitrary } from 'fast-check'
import type { FuzzOperation, JsonSchema, Param } from './operations.js'
import { anyJson, type KnownIds, validValue } from './values.js'

/** One generated HTTP request; `path` is the raw request target (ASCII, escapes as sent). */
export interface FuzzRequest {
  method: string
  path: string
  headers: Record<string, string>
  body?: string | Buffer
  /** Send the body chunked, without Content-Length. */
  chunked?: boolean
}

/** Authorization headers the fuzzer chooses from (precomputed JWTs and forgeries). */
export interface FuzzAuth {
  /** Weighted first: the tenant's admin. */
  admin: string
  others: Array<string | undefined>
}

/** Context for building requests: the stack's ids and tokens, a real video for uploads. */
export interface FuzzContext {
  known: KnownIds
  auth: FuzzAuth
  video: Buffer
}

const UNRESERVED = /[A-Za-z0-9\-._~]/

/** Percent-encodes every byte of the UTF-8 of `s` but the unreserved ones (a lone surrogate becomes U+FFFD). */
export function pct(s: string): string {
  let out = ''
  for (const byte of Buffer.from(s, 'utf8')) {
    const ch = String.fromCharCode(byte)
    out += UNRESERVED.test(ch) ? ch : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`
  }
  return out
}

/** Escapes no one can decode, sent as they are. */
const BAD_ESCAPES = ['%ZZ', '%', '%E0%A4%A', '%ED%A0%80', '%C0%AF', '%FF']

/** A value for the URL: a (mostly valid) value percent-encoded, a wrong one, or a bad escape. */
function urlValue(schema: JsonSchema, ctx: FuzzContext, name: string): Arbitrary<string> {
  const asText = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v))
  return fc.oneof(
    { weight: 4, arbitrary: validValue(schema, ctx.known, true, name).map((v) => pct(asText(v))) },
    { weight: 6, arbitrary: validValue(schema, ctx.known).map((v) => pct(asText(v))) },
    { weight: 2, arbitrary: anyJson.map((v) => pct(asText(v))) },
    { weight: 1, arbitrary: fc.constantFrom(...BAD_ESCAPES) },
  )
}

function queryArbitrary(params: Param[], ctx: FuzzContext): Arbitrary<string> {
  const documented = params.map((p) =>
    fc.option(
      urlValue(p.schema, ctx, p.name).map((v) => `${pct(p.name)}=${v}`),
      { freq: 2, nil: '' },
    ),
  )
  const extra = fc.oneof(
    { weight: 6, arbitrary: fc.constant('') },
    { weight: 1, arbitrary: fc.constantFrom('__proto__[polluted]=1', 'constructor[prototype][polluted]=1') },
    {
      weight: 1,
      arbitrary: fc.tuple(fc.string({ maxLength: 12 }), fc.string()).map(([k, v]) => `${pct(k)}=${pct(v)}`),
    },
    { weight: 1, arbitrary: fc.constantFrom(...BAD_ESCAPES).map((e) => `${e}=1`) },
    { weight: 1, arbitrary: fc.constant(params[0] ? `${params[0].name}=a&${params[0].name}=b` : 'a=1&a=2') },
  )
  return fc
    .tuple(fc.tuple(...documented), extra)
    .map(([pairs, more]) => [...pairs, more].filter(Boolean).join('&'))
}

/** JSON bodies: valid, then broken every way a client might. */
function jsonBody(schema: JsonSchema, ctx: FuzzContext): Arbitrary<string> {
  const valid = validValue(schema, ctx.known) as Arbitrary<Record<string, unknown>>
  const keys = Object.keys(schema.properties ?? {})
  const key = keys.length ? fc.constantFrom(...keys) : fc.constant('x')
  const clean = validValue(schema, ctx.known, true)
  return fc.oneof(
    { weight: 5, arbitrary: clean.map((v) => JSON.stringify(v)) },
    { weight: 4, arbitrary: valid.map((v) => JSON.stringify(v)) },
    {
      weight: 2,
      arbitrary: fc.tuple(valid, key).map(([v, k]) => {
        const { [k]: _dropped, ...rest } = v
        return JSON.stringify(rest)
      }),
    },
    {
      weight: 2,
      arbitrary: fc
        .tuple(valid, fc.string({ maxLength: 12 }), anyJson)
        .map(([v, k, x]) => JSON.stringify({ ...v, [k]: x })),
    },
    {
      weight: 2,
      arbitrary: fc.tuple(valid, key, anyJson).map(([v, k, x]) => JSON.stringify({ ...v, [k]: x })),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(
          valid,
          fc.constantFrom('"__proto__":{"polluted":true}', '"constructor":{"prototype":{"polluted":true}}'),
        )
        .map(([v, poison]) => `{${poison}${Object.keys(v).length ? ',' : ''}${JSON.stringify(v).slice(1)}`),
    },
    { weight: 1, arbitrary: anyJson.map((v) => JSON.stringify(v)) },
    {
      weight: 1,
      arbitrary: fc.constantFrom('{', '{"a":', 'nul', '\u0000', '{"a":1}{', '[1,]', '', '\uFEFF{}'),
    },
  )
}

const OTHER_TYPES = [
  'text/plain',
  'application/xml',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/json; charset=utf-16',
  'application/octet-stream',
  'video/mp4',
]

/** Body and Content-Type of a JSON operation (or of one that takes none). */
function jsonPayload(op: FuzzOperation, ctx: FuzzContext) {
  const body = op.body
    ? jsonBody(op.body, ctx)
    : fc.oneof(
        fc.constant('{}'),
        anyJson.map((v) => JSON.stringify(v)),
      )
  const absent = fc.constant({ type: undefined as string | undefined, body: undefined as string | undefined })
  return fc.oneof(
    { weight: op.body ? 0 : 6, arbitrary: absent },
    {
      weight: 6,
      arbitrary: fc.record({
        type: fc.constantFrom('application/json', 'application/json; charset=utf-8'),
        body,
      }),
    },
    { weight: 1, arbitrary: fc.record({ type: fc.constantFrom(...OTHER_TYPES), body }) },
    { weight: 1, arbitrary: fc.record({ type: fc.constant(undefined), body }) },
  )
}

/** Body of `POST /v1/media`: bytes that are no video, a real video, chunked, or of another type. */
function mediaPayload(ctx: FuzzContext) {
  const video = fc.constantFrom('video/mp4', 'video/webm', 'video/quicktime', 'VIDEO/MP4; codecs="avc1"')
  return fc.oneof(
    {
      weight: 6,
      arbitrary: fc.record({ type: video, body: fc.uint8Array({ maxLength: 4096 }).map(Buffer.from) }),
    },
    { weight: 1, arbitrary: fc.record({ type: fc.constant('video/webm'), body: fc.constant(ctx.video) }) },
    {
      weight: 1,
      arbitrary: fc.record({ type: video, body: fc.constant(Buffer.alloc(64)), chunked: fc.constant(true) }),
    },
    {
      weight: 2,
      arbitrary: fc.record({
        type: fc.constantFrom(...OTHER_TYPES, 'application/json'),
        body: fc.constant('{}'),
      }),
    },
  )
}

/** Header values: printable ASCII only (the HTTP client refuses the rest). */
const headerValue = fc.oneof(
  fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 40 }),
  fc.constantFrom('x'.repeat(256), '', ' ', '%ZZ', '__proto__'),
)

/** Every request the fuzzer may send to `op`. */
export function requestArbitrary(op: FuzzOperation, ctx: FuzzContext): Arbitrary<FuzzRequest> {
  const pathParams = op.params.filter((p) => p.in === 'path')
  // `{id}` after `/posts/` is a post id, after `/connections/` a connection id.
  const idName = (p: Param) =>
    `${/\/(\w+?)s?\/\{/.exec(op.path)?.[1] ?? ''}${p.name === 'id' ? 'Id' : p.name}`
  const path = fc
    .tuple(...pathParams.map((p) => urlValue(p.schema, ctx, idName(p))))
    .map((values) => pathParams.reduce((acc, p, i) => acc.replace(`{${p.name}}`, values[i] ?? ''), op.path))
  const query = queryArbitrary(
    op.params.filter((p) => p.in === 'query'),
    ctx,
  )
  const headerParams = op.params.filter((p) => p.in === 'header' && p.name !== 'content-type')
  const headers = fc.tuple(...headerParams.map(() => fc.option(headerValue, { nil: undefined })))
  const authorization = fc.oneof(
    { weight: op.secured ? 12 : 2, arbitrary: fc.constant(ctx.auth.admin) },
    { weight: 3, arbitrary: fc.constantFrom(...ctx.auth.others) },
  )
  const extras = fc.record({
    accept: fc.option(fc.constantFrom('application/json', 'text/html', '*/*'), { nil: undefined }),
    'x-request-id': fc.option(fc.constantFrom('fuzz-1', 'has space', 'x'.repeat(200), '%ZZ'), {
      nil: undefined,
      freq: 4,
    }),
  })
  const payload = op.key === 'POST /v1/media' ? mediaPayload(ctx) : jsonPayload(op, ctx)
  return fc
    .record({ path, query, headers, authorization, extras, payload })
    .map(({ path, query, headers: values, authorization, extras, payload }) => {
      const h: Record<string, string> = {}
      for (const [k, v] of Object.entries(extras)) if (v !== undefined) h[k] = v
      headerParams.forEach((p, i) => {
        if (values[i] !== undefined) h[p.name] = values[i]
      })
      if (authorization) h.authorization = authorization
      const p = payload as { type?: string; body?: string | Buffer; chunked?: boolean }
      if (p.type) h['content-type'] = p.type
      return {
        method: op.method,
        path: query ? `${path}?${query}` : path,
        headers: h,
        ...(p.body !== undefined ? { body: p.body } : {}),
        ...(p.chunked ? { chunked: true } : {}),
      }
    })
}
