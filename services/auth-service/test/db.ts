import type { FastifyInstance } from 'fastify'

/** Row count of an `auth` table (tests only). */
export async function count(app: FastifyInstance, table: string): Promise<number> {
  const [row] = await app.sql.unsafe(`select count(*)::int as n from auth.${table}`)
  return (row as unknown as { n: number }).n
}

/** A connection row as stored (tests only). */
export async function connectionRow(app: FastifyInstance, id: string) {
  const [row] = await app.sql`select * from auth.connections where id = ${id}`
  return row as Record<string, unknown> | undefined
}

/** Pretends time passed: the stored access token is expired and due for refresh. */
export async function expireStoredAccessToken(app: FastifyInstance, id: string): Promise<void> {
  await app.sql`update auth.connections
    set access_token_expires_at = now() - interval '1 second', next_refresh_at = now() - interval '1 second'
    where id = ${id}`
}

/** Collects the domain events published under the app's namespace (core NATS subscription). */
export function collectEvents(app: FastifyInstance): { events: { subject: string; body: string }[] } {
  const ns = app.nats.namespace
  const sub = app.nats.nc.subscribe(`${ns}.social.>`)
  const out = { events: [] as { subject: string; body: string }[] }
  ;(async () => {
    for await (const m of sub) out.events.push({ subject: m.subject.slice(ns.length + 1), body: m.string() })
  })()
  return out
}
