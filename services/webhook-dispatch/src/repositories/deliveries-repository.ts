import type { DeliveryAttempt } from '@social-bridge/contracts'
import type { Database } from '@social-bridge/service-kit'
import { and, desc, eq, getTableColumns, inArray, lt, sql } from 'drizzle-orm'
import type { PgTable } from 'drizzle-orm/pg-core'
import { attempts, type DeliveryRow, deliveries, type EndpointRow, endpoints } from '../db/schema.js'
import { foldEndpointHealth } from '../domain/endpoint-health.js'
import type { PublicEnvelope } from '../domain/event-catalogue.js'
import { nextAttemptAt, type RetrySchedule } from '../domain/retry-schedule.js'
import type { SendResult } from '../domain/sender.js'

/** A leased delivery and its endpoint, ready for one attempt. */
export interface LeasedDelivery {
  delivery: DeliveryRow
  endpoint: EndpointRow
}

/** What {@link DeliveriesRepository.leaseDue} may take. */
export interface LeaseRequest {
  /** The lease holder (one per replica). */
  owner: string
  /** Most deliveries in this lease. */
  limit: number
  /** Most attempts in flight per endpoint, counting `busy`. */
  perEndpoint: number
  /** Attempts this replica has in flight, by endpoint id. */
  busy: ReadonlyMap<string, number>
  leaseMs: number
}

/** One finished attempt of a leased delivery, to record. */
export interface AttemptRecord {
  leased: LeasedDelivery
  result: SendResult
  /** When the attempt ended. */
  at: Date
}

/** Data access of `dispatch.deliveries` and `dispatch.attempts`. */
export interface DeliveriesRepository {
  /**
   * Stores, in one statement, one pending delivery of each event to every enabled endpoint of its
   * tenant subscribed to its type. A repeat (same event, endpoint) is ignored.
   * @returns the delivery ids added, by event (in the order of `events`).
   */
  fanOut(events: PublicEnvelope[]): Promise<string[][]>
  /** Stores one pending delivery of `event` to `endpointId` (a ping). @returns its id, or null when it exists. */
  addDelivery(event: PublicEnvelope, endpointId: string): Promise<string | null>
  /**
   * Leases, in one statement, up to `limit` due deliveries of enabled endpoints (oldest due first,
   * at most `perEndpoint − busy` per endpoint) for `leaseMs` to `owner` (`FOR UPDATE SKIP LOCKED`):
   * no other replica attempts them until the lease ends or the attempt is recorded.
   */
  leaseDue(req: LeaseRequest): Promise<LeasedDelivery[]>
  /**
   * Records attempts (in the order they ended) in one statement: each attempt's row and its
   * delivery's next state, for the deliveries `owner` still holds (else nothing is written for it:
   * another replica took it over), and the endpoints' health (a 410 disables with `gone`; a
   * failure ending 3 days of failures disables with `failing`; a 2xx clears `failing_since`). When
   * an attempt failed, the endpoints' health is a second statement in the same transaction.
   * @returns the delivery ids whose attempt was recorded.
   */
  recordAttempts(records: AttemptRecord[], owner: string, schedule: RetrySchedule): Promise<Set<string>>
  /** Ends `owner`'s leases of `ids` that were never attempted, so they are due again at once. */
  release(owner: string, ids: string[]): Promise<void>
  /** The endpoint's attempts, newest first, `limit` per page from `cursor` (an attempt id). */
  listAttempts(endpointId: string, opts: { cursor?: string; limit: number }): Promise<DeliveryAttempt[]>
  /** Makes a delivery of the endpoint due now with a fresh retry window. @returns false when there is none. */
  retry(endpointId: string, deliveryId: string): Promise<boolean>
}

/** A row of `table` from its `to_jsonb` form (column names, timestamps as ISO text), as drizzle maps it. */
function fromJson<T>(table: PgTable, json: Record<string, unknown>): T {
  const row: Record<string, unknown> = {}
  for (const [key, column] of Object.entries(getTableColumns(table))) {
    const value = json[column.name]
    row[key] = value === null || value === undefined ? null : column.mapFromDriverValue(value)
  }
  return row as T
}

const iso = (d: Date | null) => d?.toISOString() ?? null

export function createDeliveriesRepository({ db }: { db: Database }): DeliveriesRepository {
  return {
    async fanOut(events) {
      if (events.length === 0) return []
      const input = events.map((e) => ({ id: e.id, type: e.type, tenant_id: e.tenantId, event: e }))
      // matchesFilters (domain/event-catalogue.ts) in SQL: '*', the type, or a 'prefix.*'
      const rows = await db.execute<{ id: string; event_id: string }>(sql`
        insert into ${deliveries} (endpoint_id, tenant_id, event_id, event_type, event)
        select e.id, e.tenant_id, ev.id, ev.type, ev.event
          from jsonb_to_recordset(${JSON.stringify(input)}::jsonb) as ev(id text, type text, tenant_id text, event jsonb)
          join ${endpoints} e on e.tenant_id = ev.tenant_id and e.disabled_at is null
           and exists (select 1 from unnest(e.events) f
                        where f = '*' or f = ev.type or (right(f, 2) = '.*' and starts_with(ev.type, left(f, -1))))
        on conflict do nothing
        returning id, event_id`)
      const added = new Map<string, string[]>()
      for (const r of rows as unknown as { id: string; event_id: string }[])
        added.set(r.event_id, [...(added.get(r.event_id) ?? []), r.id])
      return events.map((e) => added.get(e.id) ?? [])
    },

    async addDelivery(event, endpointId) {
      const [row] = await db
        .insert(deliveries)
        .values({
          endpointId,
          tenantId: event.tenantId,
          eventId: event.id,
          eventType: event.type,
          event: event as unknown as Record<string, unknown>,
        })
        .onConflictDoNothing()
        .returning({ id: deliveries.id })
      return row?.id ?? null
    },

    async leaseDue({ owner, limit, perEndpoint, busy, leaseMs }) {
      if (limit <= 0) return []
      const rows = await db.execute<{ d: Record<string, unknown>; e: Record<string, unknown> }>(sql`
        with busy as (
          select key::uuid as endpoint_id, value::int as n
            from jsonb_each_text(${JSON.stringify(Object.fromEntries(busy))}::jsonb)),
        picked as (
          select p.id, p.next_attempt_at from ${endpoints} e
            left join busy b on b.endpoint_id = e.id
           cross join lateral (
             select d.id, d.next_attempt_at from ${deliveries} d
              where d.endpoint_id = e.id and d.status = 'pending' and d.next_attempt_at <= now()
                and (d.leased_until is null or d.leased_until < now())
              order by d.next_attempt_at
              limit greatest(0, ${perEndpoint}::int - coalesce(b.n, 0))
                for update of d skip locked) p
           where e.disabled_at is null
           order by p.next_attempt_at
           limit ${limit}),
        leased as (
          update ${deliveries} d set lease_owner = ${owner},
                 leased_until = now() + make_interval(secs => ${leaseMs / 1000})
           where d.id = any(array(select id from picked))
          returning d.*)
        select to_jsonb(l) as d, to_jsonb(e) as e
          from leased l join ${endpoints} e on e.id = l.endpoint_id
         order by l.next_attempt_at`)
      return (rows as unknown as { d: Record<string, unknown>; e: Record<string, unknown> }[]).map((r) => ({
        delivery: fromJson<DeliveryRow>(deliveries, r.d),
        endpoint: fromJson<EndpointRow>(endpoints, r.e),
      }))
    },

    async recordAttempts(records, owner, schedule) {
      if (records.length === 0) return new Set()
      // the lease makes this replica the only writer of each row: its attempts and first attempt are current
      const rows = records.map(({ leased: { delivery, endpoint }, result, at }) => {
        const attempt = delivery.attempts + 1
        const first = delivery.firstAttemptAt ?? at
        const gone = result.httpStatus === 410
        const next = result.ok || gone ? null : nextAttemptAt(attempt, first, at, schedule)
        const status = result.ok ? 'delivered' : next ? 'pending' : 'failed'
        return {
          id: delivery.id,
          endpoint_id: endpoint.id,
          attempt,
          status,
          first_at: first.toISOString(),
          next_at: iso(next),
          ended_at: at.toISOString(),
          ok: result.ok,
          http_status: result.httpStatus,
          error: result.error,
          response_body: result.responseBody,
          duration_ms: result.durationMs,
        }
      })
      // one statement: the deliveries' state and attempt rows, and failing_since cleared on the
      // endpoints whose recorded attempts all succeeded
      const record = async (q: Pick<Database, 'execute'>) => {
        const kept = await q.execute<{ id: string }>(sql`
          with r as (
            select * from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as x(
              id uuid, endpoint_id uuid, attempt int, status text, first_at timestamptz, next_at timestamptz,
              ended_at timestamptz, ok boolean, http_status int, error text, response_body text, duration_ms int)),
          d as (
            update ${deliveries} d set status = r.status, attempts = r.attempt, first_attempt_at = r.first_at,
                   next_attempt_at = coalesce(r.next_at, r.ended_at), lease_owner = null, leased_until = null
              from r where d.id = r.id and d.lease_owner = ${owner}
            returning d.id),
          a as (
            insert into ${attempts} (delivery_id, endpoint_id, attempt, http_status, error, response_body,
                                     duration_ms, at, delivery_status, next_retry_at)
            select r.id, r.endpoint_id, r.attempt, r.http_status, r.error, r.response_body,
                   r.duration_ms, r.ended_at, r.status, r.next_at
              from r join d on d.id = r.id
             order by r.ended_at),
          e as (
            update ${endpoints} set failing_since = null
             where failing_since is not null and id in (
               select r.endpoint_id from r join d on d.id = r.id
                group by r.endpoint_id having bool_and(r.ok)))
          select id from d`)
        return new Set((kept as unknown as { id: string }[]).map((r) => r.id))
      }
      if (records.every((r) => r.result.ok)) return record(db)
      return db.transaction(async (tx) => {
        const kept = await record(tx)
        const changes = foldEndpointHealth(
          records
            .map(({ leased, result, at }, i) => ({
              endpointId: leased.endpoint.id,
              deliveryId: leased.delivery.id,
              ok: result.ok,
              gone: result.httpStatus === 410,
              givenUp: rows[i]?.status === 'failed',
              at,
              firstAttemptAt: leased.delivery.firstAttemptAt ?? at,
            }))
            .filter((o) => kept.has(o.deliveryId)),
          schedule.giveUpMs,
        ).map((c) => ({
          endpoint_id: c.endpointId,
          clear: c.failingSince === 'clear',
          since: c.failingSince instanceof Date ? c.failingSince.toISOString() : null,
          head_start: iso(c.headStart),
          head_latest: iso(c.headLatest),
          head_given_up_first: iso(c.headGivenUpFirst),
          disable_failing: c.disableFailing,
          gone_at: iso(c.goneAt),
          failing_at: iso(c.failingAt),
        }))
        if (changes.length === 0) return kept
        // failing for the whole retry window: since before a given-up delivery's first attempt, or longer than the window
        const headTooLong = sql`h.head_latest is not null and (
            coalesce(e.failing_since, h.head_start) < h.head_latest - make_interval(secs => ${schedule.giveUpMs / 1000})
            or coalesce(e.failing_since, h.head_start) <= h.head_given_up_first)`
        const disable = sql`e.disabled_at is null and h.failing_at is not null and (h.disable_failing or (${headTooLong}))`
        await tx.execute(sql`
          update ${endpoints} e set
                 failing_since = case when h.clear then null when h.since is not null then h.since
                                      else coalesce(e.failing_since, h.head_start) end,
                 disabled_at = case when h.gone_at is not null then h.gone_at
                                    when ${disable} then h.failing_at else e.disabled_at end,
                 disabled_reason = case when h.gone_at is not null then 'gone'
                                        when ${disable} then 'failing' else e.disabled_reason end,
                 updated_at = case when h.gone_at is not null then now() else e.updated_at end
            from jsonb_to_recordset(${JSON.stringify(changes)}::jsonb) as h(
                 endpoint_id uuid, clear boolean, since timestamptz, head_start timestamptz,
                 head_latest timestamptz, head_given_up_first timestamptz, disable_failing boolean,
                 gone_at timestamptz, failing_at timestamptz)
           where e.id = h.endpoint_id`)
        return kept
      })
    },

    async release(owner, ids) {
      if (ids.length === 0) return
      await db
        .update(deliveries)
        .set({ leaseOwner: null, leasedUntil: null })
        .where(and(inArray(deliveries.id, ids), eq(deliveries.leaseOwner, owner)))
    },

    async listAttempts(endpointId, { cursor, limit }) {
      const before = cursor && /^\d+$/.test(cursor) ? lt(attempts.id, Number(cursor)) : undefined
      const rows = await db
        .select({ a: attempts, eventId: deliveries.eventId, eventType: deliveries.eventType })
        .from(attempts)
        .innerJoin(deliveries, eq(deliveries.id, attempts.deliveryId))
        .where(and(eq(attempts.endpointId, endpointId), before))
        .orderBy(desc(attempts.id))
        .limit(limit)
      return rows.map(({ a, eventId, eventType }) => ({
        id: String(a.id),
        deliveryId: a.deliveryId,
        eventId,
        eventType,
        attempt: a.attempt,
        httpStatus: a.httpStatus,
        error: a.error,
        responseBody: a.responseBody,
        durationMs: a.durationMs,
        at: a.at.toISOString(),
        deliveryStatus: a.deliveryStatus as DeliveryAttempt['deliveryStatus'],
        nextRetryAt: a.nextRetryAt?.toISOString() ?? null,
      }))
    },

    async retry(endpointId, deliveryId) {
      const rows = await db
        .update(deliveries)
        .set({
          status: 'pending',
          nextAttemptAt: new Date(),
          firstAttemptAt: null,
          leaseOwner: null,
          leasedUntil: null,
        })
        .where(and(eq(deliveries.id, deliveryId), eq(deliveries.endpointId, endpointId)))
        .returning({ id: deliveries.id })
      return rows.length > 0
    },
  }
}
