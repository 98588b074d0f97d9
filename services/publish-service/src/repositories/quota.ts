import { type PostingQuota, type QuotaChangedEvent, Subjects } from '@social-bridge/contracts'
import { type Database, enqueueEvent } from '@social-bridge/service-kit'
import { and, eq, sql } from 'drizzle-orm'
import { outbox, type QuotaKind, quotaEvents } from '../db/schema.js'
import { QUOTA_LIMITS } from '../domain/quota-limits.js'

/** Outcome of a reservation: granted, or refused with the wait until a slot frees (seconds). */
export type Reservation = { ok: true } | { ok: false; retryAfterSec: number }

/** A drizzle database or transaction. */
type Executor = Pick<Database, 'execute' | 'insert' | 'select' | 'delete'>

/** The kinds the CRM sees in `quota.changed`: posts (inits) and inbox drafts. */
const ANNOUNCED: QuotaKind[] = ['init', 'inbox_share']

/**
 * Counts TikTok calls per connection (one access token each) in PostgreSQL, so the limits hold
 * across every replica: a reservation takes a transaction-scoped advisory lock on
 * (connection, kind), counts the sliding window, and inserts a row when below the limit.
 */
export interface Quota {
  /**
   * Reserves one call of `kind` for `connectionId` now. Pass a transaction `tx` to make the
   * reservation part of it (and hold the lock until it commits); otherwise one is opened.
   */
  reserve(connectionId: string, kind: QuotaKind, postId?: string, tx?: Executor): Promise<Reservation>
  /** Whether a reservation would be granted now (no lock, nothing written): a cheap pre-check. */
  peek(connectionId: string, kind: QuotaKind): Promise<Reservation>
  /** Gives back a post's reservations of `kind` (e.g. an inbox draft that never reached TikTok). */
  release(postId: string, kind: QuotaKind): Promise<void>
  /** Current usage of every kind in its own window, as `GET /connections/:id/quota` shows it. */
  usage(connectionId: string): Promise<PostingQuota>
  /**
   * Writes `social.quota.changed` (contracts `QuotaChangedEvent`: posts and drafts left, next free
   * slot) for the connection to the outbox, in `tx` when given. Call it after a post or inbox
   * draft reservation was taken or given back.
   */
  announce(connectionId: string, tenantId: string, tx?: Executor): Promise<void>
}

export function createQuota({ db }: { db: Database }): Quota {
  /** Calls of `kind` in its window, and seconds until the oldest of them leaves it (null: none). */
  const used = async (tx: Executor, connectionId: string, kind: QuotaKind) => {
    const { windowSec } = QUOTA_LIMITS[kind]
    const rows = await tx.execute<{ n: number; wait: number | null }>(sql`
      select count(*)::int as n,
             extract(epoch from (min(at) + make_interval(secs => ${windowSec}) - now()))::float8 as wait
        from ${quotaEvents}
       where connection_id = ${connectionId} and kind = ${kind}
         and at > now() - make_interval(secs => ${windowSec})`)
    const row = rows[0] as { n: number; wait: number | null } | undefined
    return { n: row?.n ?? 0, waitSec: row?.wait ?? null }
  }
  const window = async (tx: Executor, connectionId: string, kind: QuotaKind): Promise<Reservation> => {
    const { limit, windowSec } = QUOTA_LIMITS[kind]
    const { n, waitSec } = await used(tx, connectionId, kind)
    if (n >= limit) return { ok: false, retryAfterSec: Math.max(1, Math.ceil(waitSec ?? windowSec)) }
    return { ok: true }
  }
  const reserveIn = async (
    tx: Executor,
    connectionId: string,
    kind: QuotaKind,
    postId?: string,
  ): Promise<Reservation> => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`publish-quota:${connectionId}:${kind}`}))`)
    const free = await window(tx, connectionId, kind)
    if (!free.ok) return free
    await tx.insert(quotaEvents).values({ connectionId, kind, postId: postId ?? null })
    return { ok: true }
  }
  return {
    reserve(connectionId, kind, postId, tx) {
      if (tx) return reserveIn(tx, connectionId, kind, postId)
      return db.transaction((t) => reserveIn(t, connectionId, kind, postId))
    },
    peek: (connectionId, kind) => window(db, connectionId, kind),
    async release(postId, kind) {
      await db.delete(quotaEvents).where(and(eq(quotaEvents.postId, postId), eq(quotaEvents.kind, kind)))
    },
    async announce(connectionId, tenantId, tx = db) {
      const [posts, drafts] = await Promise.all(ANNOUNCED.map((kind) => used(tx, connectionId, kind)))
      const left = (kind: QuotaKind, u: { n: number }) => Math.max(0, QUOTA_LIMITS[kind].limit - u.n)
      const full = ANNOUNCED.flatMap((kind, i) => {
        const u = [posts, drafts][i]
        return u && left(kind, u) === 0 && u.waitSec !== null ? [u.waitSec] : []
      })
      const data: QuotaChangedEvent = {
        connectionId,
        postsLeft: left('init', posts ?? { n: 0 }),
        draftsLeft: left('inbox_share', drafts ?? { n: 0 }),
        nextFreeSlotAt: full.length ? new Date(Date.now() + Math.min(...full) * 1000).toISOString() : null,
      }
      await enqueueEvent(tx, outbox, {
        subject: Subjects.quotaChanged,
        aggregateId: connectionId,
        tenantId,
        data,
      })
    },
    async usage(connectionId) {
      const windows = (Object.keys(QUOTA_LIMITS) as QuotaKind[]).map(
        (kind) =>
          sql`(kind = ${kind} and at > now() - make_interval(secs => ${QUOTA_LIMITS[kind].windowSec}))`,
      )
      const rows = await db.execute<{ kind: QuotaKind; n: number }>(sql`
        select kind, count(*)::int as n from ${quotaEvents}
         where connection_id = ${connectionId} and (${sql.join(windows, sql` or `)})
         group by kind`)
      const count = (k: QuotaKind) =>
        (rows as unknown as { kind: QuotaKind; n: number }[]).find((r) => r.kind === k)?.n ?? 0
      return {
        initsLastMinute: count('init'),
        initsPerMinuteLimit: QUOTA_LIMITS.init.limit,
        inboxDraftsLast24h: count('inbox_share'),
        inboxDraftsLimit: QUOTA_LIMITS.inbox_share.limit,
        creatorInfoLastMinute: count('creator_info'),
        creatorInfoPerMinuteLimit: QUOTA_LIMITS.creator_info.limit,
        statusFetchesLastMinute: count('status'),
        statusFetchesPerMinuteLimit: QUOTA_LIMITS.status.limit,
      }
    },
  }
}
