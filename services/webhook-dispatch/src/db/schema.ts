import { columns } from '@social-bridge/service-kit'
import { sql } from 'drizzle-orm'
import { bigserial, index, integer, jsonb, pgSchema, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core'

/**
 * webhook-dispatch owns this schema (ARCHITECTURE.md "Data ownership"): the CRM's webhook
 * endpoints (signing secrets sealed by service-kit's vault), one delivery per (event, endpoint)
 * and the log of its attempts.
 */
export const dispatch = pgSchema('dispatch')

/**
 * A tenant's webhook endpoint. `secret_sealed` is `iv ‖ tag ‖ ciphertext` (base64) under
 * `secret_key_id`; after a rotation the previous secret stays sealed beside it until
 * `previous_secret_expires_at`. `disabled_reason`: `user`, `gone` (a 410), `failing` (3 days).
 */
export const endpoints = dispatch.table(
  'endpoints',
  {
    id: uuid('id').primaryKey(),
    tenantId: columns.tenantId(),
    url: text('url').notNull(),
    events: columns.textArray('events'),
    description: text('description'),
    secretKeyId: text('secret_key_id').notNull(),
    secretSealed: text('secret_sealed').notNull(),
    previousSecretKeyId: text('previous_secret_key_id'),
    previousSecretSealed: text('previous_secret_sealed'),
    previousSecretExpiresAt: columns.timestamptz('previous_secret_expires_at'),
    disabledAt: columns.timestamptz('disabled_at'),
    disabledReason: text('disabled_reason'),
    failingSince: columns.timestamptz('failing_since'),
    createdAt: columns.createdAt(),
    updatedAt: columns.timestamptz('updated_at').notNull().defaultNow(),
  },
  (t) => [index('endpoints_tenant_idx').on(t.tenantId, t.createdAt)],
)
export type EndpointRow = typeof endpoints.$inferSelect

/**
 * One event to one endpoint. `status`: `pending` (due at `next_attempt_at`), `delivered`, `failed`
 * (given up). A replica leases a due row (`lease_owner`, `leased_until`) for the length of one
 * attempt, so one attempt at a time runs per (event, endpoint) across replicas.
 */
export const deliveries = dispatch.table(
  'deliveries',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    endpointId: uuid('endpoint_id')
      .notNull()
      .references(() => endpoints.id, { onDelete: 'cascade' }),
    tenantId: columns.tenantId(),
    eventId: text('event_id').notNull(),
    eventType: text('event_type').notNull(),
    /** The public event as delivered (contracts `PublicEvent`). */
    event: jsonb('event').$type<Record<string, unknown>>().notNull(),
    status: text('status').notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: columns.timestamptz('next_attempt_at').notNull().defaultNow(),
    firstAttemptAt: columns.timestamptz('first_attempt_at'),
    leaseOwner: text('lease_owner'),
    leasedUntil: columns.timestamptz('leased_until'),
    createdAt: columns.createdAt(),
  },
  (t) => [
    uniqueIndex('deliveries_endpoint_event_uq').on(t.endpointId, t.eventId),
    // the lease looks up each endpoint's oldest due deliveries (deliveries-repository `leaseDue`)
    index('deliveries_endpoint_due_idx').on(t.endpointId, t.nextAttemptAt).where(sql`status = 'pending'`),
  ],
)
export type DeliveryRow = typeof deliveries.$inferSelect

/** The log of attempts, newest last; what `GET …/deliveries` pages through (by `id` descending). */
export const attempts = dispatch.table(
  'attempts',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    deliveryId: uuid('delivery_id')
      .notNull()
      .references(() => deliveries.id, { onDelete: 'cascade' }),
    endpointId: uuid('endpoint_id').notNull(),
    attempt: integer('attempt').notNull(),
    httpStatus: integer('http_status'),
    error: text('error'),
    responseBody: text('response_body'),
    durationMs: integer('duration_ms').notNull(),
    at: columns.timestamptz('at').notNull().defaultNow(),
    deliveryStatus: text('delivery_status').notNull(),
    nextRetryAt: columns.timestamptz('next_retry_at'),
  },
  (t) => [index('attempts_endpoint_idx').on(t.endpointId, t.id)],
)
