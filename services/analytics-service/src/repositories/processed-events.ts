import type { Queryable } from './db-types.js'

/**
 * Claims an event id inside the transaction that applies the event: `true` the first time,
 * `false` when this envelope was already applied (a redelivery or a re-publish), in which case
 * the caller changes nothing. The claim commits or rolls back with the effect.
 */
export async function claimEvent(q: Queryable, eventId: string, subject: string): Promise<boolean> {
  const rows = await q`
    insert into analytics.processed_events (event_id, subject) values (${eventId}, ${subject})
    on conflict (event_id) do nothing returning event_id`
  return rows.length === 1
}
