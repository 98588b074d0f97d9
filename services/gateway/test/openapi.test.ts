import t, { type Test } from 'tap'
import { auth, build, crmToken, type RegisteredRoute } from './helper.js'

// The OpenAPI document (`/docs/json`) against what the routes declare, what the services behind
// them answer (read from their route code: success status and domain errors), and what the
// gateway itself answers when each operation is called the wrong way.

interface Operation {
  security?: unknown[]
  description?: string
  responses: Record<string, { description?: string; content?: Record<string, { schema: Schema }> }>
}
interface Schema {
  required?: string[]
  properties?: Record<string, Schema>
  allOf?: Schema[]
  description?: string
}

type Key = `${'GET' | 'POST' | 'PATCH' | 'DELETE'} ${string}`

/** Success statuses each operation answers (the services' route declarations, the OAuth redirects). */
const SUCCESS: Record<Key, number[]> = {
  'GET /v1/connections/tiktok/authorize': [200, 302],
  'GET /v1/connections/tiktok/callback': [200, 302],
  'GET /v1/connections/tiktok_shop/authorize': [200, 302],
  'GET /v1/connections/tiktok_shop/callback': [200, 302],
  'GET /v1/connections/instagram/authorize': [200, 302],
  'GET /v1/connections/instagram/callback': [200, 302],
  'GET /v1/connections': [200],
  'GET /v1/connections/{id}': [200],
  'POST /v1/connections/{id}/refresh': [200],
  'DELETE /v1/connections/{id}': [200],
  'GET /v1/connections/{id}/creator-info': [200],
  'POST /v1/media': [201],
  'POST /v1/posts': [202],
  'GET /v1/posts': [200],
  'GET /v1/posts/{id}': [200],
  'PATCH /v1/posts/{id}': [200],
  'POST /v1/posts/{id}/cancel': [200],
  'GET /v1/posts/{id}/comments': [200],
  'GET /v1/media/public/{file}': [200],
  'GET /v1/analytics/posts/{id}': [200],
  'GET /v1/analytics/connections/{id}': [200],
  'GET /v1/analytics/summary': [200],
  'POST /v1/analytics/connections/{id}/sync': [202],
  'POST /v1/webhook-endpoints': [201],
  'GET /v1/webhook-endpoints': [200],
  'GET /v1/webhook-endpoints/{id}': [200],
  'PATCH /v1/webhook-endpoints/{id}': [200],
  'DELETE /v1/webhook-endpoints/{id}': [204],
  'POST /v1/webhook-endpoints/{id}/rotate-secret': [200],
  'POST /v1/webhook-endpoints/{id}/test': [202],
  'GET /v1/webhook-endpoints/{id}/deliveries': [200],
  'POST /v1/webhook-endpoints/{id}/deliveries/{deliveryId}/retry': [202],
  'GET /v1/events': [200],
}

/** Domain errors the services answer per operation (their errors.ts and routes). */
const DOMAIN_ERRORS: Partial<Record<Key, number[]>> = {
  'GET /v1/connections/tiktok/authorize': [400],
  'GET /v1/connections/tiktok/callback': [400, 403, 503],
  'GET /v1/connections/tiktok_shop/authorize': [400],
  'GET /v1/connections/tiktok_shop/callback': [400, 403, 409, 503],
  'GET /v1/connections/instagram/authorize': [400],
  'GET /v1/connections/instagram/callback': [400, 403, 503],
  'POST /v1/connections/{id}/refresh': [404, 409, 500, 503],
  'DELETE /v1/connections/{id}': [404],
  'GET /v1/connections/{id}/creator-info': [404, 409, 422, 429, 503],
  'POST /v1/media': [400, 411, 413, 415, 422],
  'POST /v1/posts': [404, 409, 413, 415, 422, 429, 503],
  'GET /v1/posts': [400],
  'PATCH /v1/posts/{id}': [404, 409, 422],
  'POST /v1/posts/{id}/cancel': [404, 409],
  'GET /v1/posts/{id}/comments': [400, 404],
  'GET /v1/media/public/{file}': [404],
  'GET /v1/analytics/connections/{id}': [400, 404],
  'POST /v1/analytics/connections/{id}/sync': [404, 409, 429],
  'POST /v1/webhook-endpoints': [422],
  'PATCH /v1/webhook-endpoints/{id}': [404, 422],
}

async function documented(t: Test) {
  const routes: RegisteredRoute[] = []
  const built = await build(t, {}, {}, { routes })
  const doc = (await built.app.inject('/docs/json')).json() as {
    paths: Record<string, Record<string, Operation>>
  }
  const operations = new Map<Key, Operation>()
  for (const [path, ops] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(ops))
      operations.set(`${method.toUpperCase()} ${path}` as Key, op)
  }
  return { ...built, routes, operations }
}

const statuses = (op: Operation | undefined) => Object.keys(op?.responses ?? {}).map(Number)

function schemaOf(op: Operation, status: number): Schema | undefined {
  return op.responses[String(status)]?.content?.['application/json']?.schema
}

/** Required property names of a schema, through `allOf` (intersections). */
function requiredOf(s: Schema | undefined): string[] {
  if (!s) return []
  return [...(s.required ?? []), ...(s.allOf ?? []).flatMap(requiredOf)]
}

t.test('every /v1 route is in the document, with exactly the statuses it declares', async (t) => {
  const { routes, operations } = await documented(t)
  const v1 = routes.filter((r) => r.url.startsWith('/v1') && r.method !== 'HEAD')
  t.equal(v1.length, Object.keys(SUCCESS).length, 'the routes this test knows')
  for (const r of v1) {
    const key = `${r.method} ${r.url.replace(/:(\w+)/g, '{$1}')}` as Key
    const declared = Object.keys((r.schema?.response as object) ?? {}).map(Number)
    t.same(statuses(operations.get(key)).sort(), declared.sort(), key)
  }
})

t.test('every operation documents its success statuses with a schema', async (t) => {
  const { operations } = await documented(t)
  for (const [key, success] of Object.entries(SUCCESS) as [Key, number[]][]) {
    const op = operations.get(key)
    t.ok(op, `${key} is documented`)
    if (!op) continue
    for (const status of success) {
      t.ok(op.responses[String(status)], `${key} documents ${status}`)
      if (status !== 302 && status !== 204) t.ok(schemaOf(op, status), `${key} ${status} has a body schema`)
    }
  }
  for (const key of ['DELETE /v1/connections/{id}', 'POST /v1/connections/{id}/refresh'] as const) {
    const op = operations.get(key)
    t.ok(
      op && ['id', 'status', 'openId'].every((p) => requiredOf(schemaOf(op, 200)).includes(p)),
      `${key} answers 200 with the connection`,
    )
  }
})

t.test('every error answer is documented, in the shared error shape', async (t) => {
  const { operations } = await documented(t)
  for (const [key, op] of operations) {
    if (!key.includes(' /v1/')) continue
    const secured = (op.security ?? []).length > 0
    const expected = [
      400,
      503,
      ...(secured ? [401, 403, 429] : []),
      ...(key.includes('{id}') ? [404, 414] : []),
      ...(key.startsWith('GET') ? [] : [413, 415]),
      ...(DOMAIN_ERRORS[key] ?? []),
    ]
    for (const status of expected) t.ok(op.responses[String(status)], `${key} documents ${status}`)
    for (const status of statuses(op).filter((s) => s >= 400)) {
      const schema = schemaOf(op, status)
      t.ok(
        requiredOf(schema).includes('error') &&
          requiredOf(schema).includes('requestId') &&
          requiredOf(schema?.properties?.error).includes('code'),
        `${key} ${status} is { error: { code, message }, requestId }`,
      )
      t.ok((op.responses[String(status)]?.description ?? '').length > 20, `${key} ${status} says when`)
    }
  }
})

t.test("the gateway's own answers to each operation are documented for it", async (t) => {
  const { app, operations } = await documented(t)
  const admin = auth(await crmToken())
  const sales = auth(await crmToken({ roles: ['sales'] }))
  const id = '3f1b2c4d-5e6f-4a1b-8c2d-3e4f5a6b7c8d'
  for (const [key, op] of operations) {
    if (!key.includes(' /v1/')) continue
    const [method, path] = key.split(' ') as ['GET' | 'POST' | 'PATCH' | 'DELETE', string]
    const url = path.replace('{id}', id)
    const secured = (op.security ?? []).length > 0
    const attempts: Array<{ what: string; url: string; headers?: Record<string, string>; body?: string }> = [
      { what: 'a malformed query', url: `${url}?%ZZ=1`, headers: admin },
    ]
    if (secured) {
      attempts.push({ what: 'no token', url }, { what: 'a role that may not', url, headers: sales })
    }
    if (path.includes('{id}')) {
      attempts.push(
        { what: 'a 101-character id', url: path.replace('{id}', 'a'.repeat(101)), headers: admin },
        { what: 'an id that is not a UUID', url: path.replace('{id}', 'not-a-uuid'), headers: admin },
      )
    }
    if (method !== 'GET') {
      attempts.push(
        {
          what: 'an XML body',
          url,
          headers: { ...admin, 'content-type': 'application/xml' },
          body: '<a/>',
        },
        {
          what: 'a 2 MiB JSON body',
          url,
          headers: { ...admin, 'content-type': 'application/json' },
          body: JSON.stringify({ pad: 'x'.repeat(2 * 1024 * 1024) }),
        },
      )
    }
    for (const a of attempts) {
      const res = await app.inject({ method, url: a.url, headers: a.headers, payload: a.body })
      t.ok(statuses(op).includes(res.statusCode), `${key}, ${a.what}: ${res.statusCode} is documented`)
      t.ok(res.statusCode >= 400 && res.json().requestId, `${key}, ${a.what}: an error with a request id`)
    }
  }
})

t.test('the document says what a CRM developer needs to know', async (t) => {
  const { operations } = await documented(t)
  const text = (key: Key) => JSON.stringify(operations.get(key) ?? {})
  const list = text('GET /v1/connections')
  for (const status of ['active', 'reauth_required', 'revoked', 'disconnected']) {
    t.match(list, new RegExp(`\`${status}\`[^"]{20,}`), `connection status ${status} is explained`)
  }
  t.match(text('POST /v1/analytics/connections/{id}/sync'), /CONNECTION_NOT_ACTIVE/)
  t.match(text('POST /v1/connections/{id}/refresh'), /CONNECTION_NOT_ACTIVE/)
  const post = text('GET /v1/posts/{id}')
  for (const field of ['waitingFor', 'history', 'failMessage']) {
    t.match(post, new RegExp(`${field}[^"]{20,}`), `post field ${field} is explained`)
  }
  t.match(text('DELETE /v1/connections/{id}'), /disconnected/)
  t.match(text('POST /v1/connections/{id}/refresh'), /accessTokenExpiresAt/)
  t.match(text('GET /v1/connections/tiktok/authorize'), /returnUrl[^"]{20,}/)
  t.match(text('GET /v1/connections/tiktok/callback'), /outcome=/, 'the browser form of the callback')
  t.match(text('GET /v1/connections/tiktok_shop/callback'), /SHOP_ALREADY_CONNECTED/)
  const sync = text('POST /v1/analytics/connections/{id}/sync')
  t.match(sync, /SYNC_TOO_FREQUENT/)
  t.match(sync, /lastSyncedAt/, 'how to see that the sync finished')
})
