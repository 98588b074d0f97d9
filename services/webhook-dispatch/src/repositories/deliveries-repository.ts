import type { DeliveryAttempt } from '@social-bridge/contracts'
import type { Database } from '@social-bridge/service-kit'
import { and, desc, eq, inArray, lt, sql } from 'drizzle-orm'
import { attempts, type DeliveryRow, deliveries, type EndpointRow, endpoints } from '../db/schema.js'
import type { PublicEnvelope } from '../domain/event-catalogue.js'
import { nextAttemptAt, type RetrySchedule } from '../domain/retry-schedule.js'
import type { SendResult } from '../domain/sender.js'

/** A leased delivery and its endpoint, ready for one attempt. */
export interface LeasedDelivery {
  delivery: DeliveryRow
  endpoint: EndpointRow
}

/** Data access of `dispatch.deliveries` and `dispatch.attempts`. */
export interface DeliveriesRepository {
  /** One pending delivery of `event` per endpoint id; a repeat (same event, endpoint) is ignored. @returns the ids added. */
  fanOut(event: PublicEnvelope, endpointIds: string[]): Promise<string[]>
  /**
   * Leases up to `limit` due deliveries of enabled endpoints for `leaseMs` to `owner`
   * (`FOR UPDATE SKIP LOCKED`): no other replica attempts them until the lease ends.
   */
  leaseDue(owner: string, limit: number, leaseMs: number): Promise<LeasedDelivery[]>
  /**
   * Records an attempt's result and the delivery's next state in one transaction, if `owner`
   * still holds the lease (else nothing is written: another replica took it over). A 410
   * disables the endpoint (`gone`); a failure ending 3 days of failures disables it (`failing`).
   * @returns false when the lease was lost.
   */
  recordAttempt(
    leased: LeasedDelivery,
    owner: string,
    result: SendResult,
    schedule: RetrySchedule,
  ): Promise<boolean>
  /** The endpoint's attempts, newest first, `limit` per page from `cursor` (an attempt id). */
  listAttempts(endpointId: string, opts: { cursor?: string; limit: number }): Promise<DeliveryAttempt[]>
  /** Makes a delivery of the endpoint due now with a fresh retry window. @returns false when there is none. */
  retry(endpointId: string, deliveryId: string): Promise<boolean>
}

export function createDeliveriesRepository({ db }: { db: Database }): DeliveriesRepository {
  return {
    async fanOut(event, endpointIds) {
      if (endpointIds.length === 0) return []
      const rows = await db
        .insert(deliveries)
        .values(
          endpointIds.map((endpointId) => ({
            endpointId,
            tenantId: event.tenantId,
            eventId: event.id,
            eventType: event.type,
            event: event as unknown as Record<string, unknown>,
          })),
        )
        .onConflictDoNothing()
        .returning({ id: deliveries.id })
      return rows.map((r) => r.id)
    },

    async leaseDue(owner, limit, leaseMs) {
      const ids = await db.execute<{ id: string }>(sql`
        update ${deliveries} set lease_owner = ${owner},
               leased_until = now() + make_interval(secs => ${leaseMs / 1000})
         where id in (
           select d.id from ${deliveries} d join ${endpoints} e on e.id = d.endpoint_id
            where d.status = 'pending' and d.next_attempt_at <= now()
              and (d.leased_until is null or d.leased_until < now()) and e.disabled_at is null
            order by d.next_attempt_at limit ${limit}
            for update of d skip locked)
        returning id`)
      const list = (ids as unknown as { id: string }[]).map((r) => r.id)
      if (list.length === 0) return []
      const rows = await db
        .select()
        .from(deliveries)
        .innerJoin(endpoints, eq(endpoints.id, deliveries.endpointId))
        .where(inArray(deliveries.id, list))
        .orderBy(deliveries.nextAttemptAt)
      return rows.map((r) => ({ delivery: r.deliveries, endpoint: r.endpoints }))
    },

    async recordAttempt({ delivery, endpoint }, owner, result, schedule) {
      // the lease makes this replica the only writer of the row: its attempts and first attempt are current
      const now = new Date()
      const attempt = delivery.attempts + 1
      const first = delivery.firstAttemptAt ?? now
      const gone = result.httpStatus === 410
      const next = result.ok || gone ? null : nextAttemptAt(attempt, first, now, schedule)
      const status = result.ok ? 'delivered' : next ? 'pending' : 'failed'
      // failing for the whole retry window: since before a given-up delivery's first attempt, or longer than the window
      const tooLong = sql`failing_since < ${new Date(now.getTime() - schedule.giveUpMs).toISOString()}::timestamptz
        or (${status === 'failed'} and failing_since <= ${first.toISOString()}::timestamptz)`
      const endpointState = result.ok
        ? sql`failing_since = null where id = ${endpoint.id} and failing_since is not null`
        : gone
          ? sql`disabled_at = ${now.toISOString()}::timestamptz, disabled_reason = 'gone', updated_at = now()
                where id = ${endpoint.id}`
          : sql`failing_since = coalesce(failing_since, ${now.toISOString()}::timestamptz),
                disabled_at = case when disabled_at is null and (${tooLong}) then ${now.toISOString()}::timestamptz
                                   else disabled_at end,
                disabled_reason = case when disabled_at is null and (${tooLong}) then 'failing' else disabled_reason end
                where id = ${endpoint.id}`
      // one statement, so one round trip: the delivery's state, its attempt row and the endpoint's health
      const rows = await db.execute<{ n: number }>(sql`
        with d as (
          update ${deliveries} set status = ${status}, attempts = ${attempt},
                 first_attempt_at = ${first.toISOString()}::timestamptz,
                 next_attempt_at = ${(next ?? now).toISOString()}::timestamptz,
                 lease_owner = null, leased_until = null
           where id = ${delivery.id} and lease_owner = ${owner}
          returning id),
        a as (
          insert into ${attempts} (delivery_id, endpoint_id, attempt, http_status, error, response_body,
                                   duration_ms, at, delivery_status, next_retry_at)
          select id, ${endpoint.id}, ${attempt}, ${result.httpStatus}, ${result.error}, ${result.responseBody},
                 ${result.durationMs}, ${now.toISOString()}::timestamptz, ${status}, ${next?.toISOString() ?? null}::timestamptz
            from d),
        e as (update ${endpoints} set ${endpointState} and exists (select 1 from d))
        select count(*)::int as n from d`)
      return (rows as unknown as { n: number }[])[0]?.n === 1
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
