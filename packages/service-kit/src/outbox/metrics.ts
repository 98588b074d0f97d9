import { count, min } from 'drizzle-orm'
import { Gauge, type Registry } from 'prom-client'
import type { Database } from '../plugins/db.js'
import { withTimeout } from '../plugins/health.js'
import { SCRAPE_READ_TIMEOUT_MS, sharedWhileRunning } from '../plugins/operational-metrics.js'
import type { OutboxTable } from './table.js'

/**
 * Registers the outbox gauges on `registry`, read from the table at scrape time (one query per
 * scrape, left out when PostgreSQL does not answer within `SCRAPE_READ_TIMEOUT_MS`):
 * - `social_bridge_outbox_backlog_events` — events written and not yet acknowledged by JetStream;
 * - `social_bridge_outbox_oldest_event_age_seconds` — age of the oldest of them, s (0 when none).
 * A backlog that grows while the oldest event ages is a relay that cannot publish (docs/operations.md).
 */
export function registerOutboxMetrics(registry: Registry, db: Database, table: OutboxTable): void {
  const read = sharedWhileRunning(async () => {
    const [row] = await db.select({ events: count(), oldest: min(table.createdAt) }).from(table)
    return row
  })
  const gauge = (
    name: string,
    help: string,
    pick: (r: { events: number; oldest: Date | string | null }) => number,
  ) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      async collect() {
        this.reset()
        const row = await withTimeout(read(), SCRAPE_READ_TIMEOUT_MS).catch(() => undefined)
        if (row) this.set(pick(row))
      },
    })
  gauge(
    'social_bridge_outbox_backlog_events',
    'Outbox events not yet acknowledged by JetStream',
    (r) => r.events,
  )
  gauge(
    'social_bridge_outbox_oldest_event_age_seconds',
    'Age of the oldest unpublished outbox event, seconds',
    (r) => (r.oldest === null ? 0 : Math.max(0, (Date.now() - new Date(r.oldest).getTime()) / 1000)),
  )
}
