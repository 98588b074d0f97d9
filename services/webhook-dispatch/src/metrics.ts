import { Counter, Histogram } from 'prom-client'
import type { SendResult } from './domain/sender.js'

/** What became of one delivery attempt: the label `outcome` of {@link dispatchMetrics}. */
export type AttemptOutcome = 'delivered' | 'gone' | 'failed' | 'timeout' | 'error'

/**
 * webhook-dispatch's business metrics (docs/operations.md; the alert `CrmWebhookDeliveriesFailing`
 * reads the counter). `outcome`: delivered (a 2xx within the timeout), gone (410, the endpoint is
 * disabled), failed (another status), timeout (no answer within 10 s), error (refused URL, redirect,
 * connection error). Bounded labels only: never an endpoint, tenant or event id.
 */
export const dispatchMetrics = {
  deliveries: new Counter({
    name: 'social_bridge_crm_webhook_deliveries_total',
    help: 'Delivery attempts of webhooks to the CRM, by outcome',
    labelNames: ['outcome'] as const,
    registers: [],
  }),
  /** Attempt start → the receiver's answer (or the failure), seconds. */
  duration: new Histogram({
    name: 'social_bridge_crm_webhook_delivery_duration_seconds',
    help: 'Duration of a delivery attempt to the CRM, seconds',
    labelNames: ['outcome'] as const,
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [],
  }),
}

/** The {@link AttemptOutcome} of a sender's result. */
export function attemptOutcome(r: SendResult): AttemptOutcome {
  if (r.ok) return 'delivered'
  if (r.httpStatus === 410) return 'gone'
  if (r.httpStatus !== null) return 'failed'
  return r.error === 'timeout' ? 'timeout' : 'error'
}

/** Counts and times one recorded attempt in {@link dispatchMetrics}. */
export function observeAttempt(r: SendResult): void {
  const outcome = attemptOutcome(r)
  dispatchMetrics.deliveries.inc({ outcome })
  dispatchMetrics.duration.observe({ outcome }, r.durationMs / 1000)
}
