import { randomUUID } from 'node:crypto'
import { createWakeableSleep } from '@social-bridge/service-kit'
import type { FastifyBaseLogger } from 'fastify'
import { publicBody } from '../domain/event-catalogue.js'
import type { RetrySchedule } from '../domain/retry-schedule.js'
import type { Sender } from '../domain/sender.js'
import { signDelivery } from '../domain/signature.js'
import { observeAttempt } from '../metrics.js'
import type {
  AttemptRecord,
  DeliveriesRepository,
  LeasedDelivery,
} from '../repositories/deliveries-repository.js'
import type { EndpointsRepository } from '../repositories/endpoints-repository.js'
import { createGroupCommit } from './group-commit.js'

/** The delivery loop of one replica. */
export interface DeliveryWorker {
  start(): void
  /** Looks for due deliveries now (a new event was fanned out). */
  wake(): void
  /**
   * Stops leasing and cuts the attempts in flight: they are not recorded, their lease runs out and
   * a replica (or this one, restarted) sends them again with the same `webhook-id`.
   */
  stop(): Promise<void>
}

/** Options of {@link createDeliveryWorker}. */
export interface DeliveryWorkerOptions {
  deliveries: DeliveriesRepository
  endpoints: EndpointsRepository
  sender: Sender
  schedule: RetrySchedule
  /** Attempts in flight in this replica. */
  concurrency: number
  /** Attempts in flight in this replica per endpoint. */
  endpointConcurrency: number
  /** How long one attempt may take (DELIVERY_TIMEOUT_MS). */
  timeoutMs: number
  leaseMs: number
  pollMs: number
  log: FastifyBaseLogger
}

/**
 * Leases due deliveries in batches (`FOR UPDATE SKIP LOCKED`, so one attempt at a time per event
 * and endpoint across replicas; one lease query at a time), signs each with the endpoint's secrets
 * (Standard Webhooks), sends it, and records the attempts in batches (group commit) before their
 * leases are released. Up to `concurrency` attempts in flight, `endpointConcurrency` per endpoint.
 * It leases ahead: up to as many again wait, leased, for a free slot, so a slot that frees starts
 * the next attempt at once rather than after a lease query; one that waited so long its lease could
 * end during the attempt (`leaseMs − timeoutMs`) is left to expire and be leased again.
 * docs/webhooks-to-the-crm.md "Throughput".
 * @throws Error when `leaseMs` ≤ `timeoutMs` (an attempt could outlive its lease).
 */
export function createDeliveryWorker(o: DeliveryWorkerOptions): DeliveryWorker {
  if (o.leaseMs <= o.timeoutMs) throw new Error('DELIVERY_LEASE_MS must be longer than DELIVERY_TIMEOUT_MS')
  const owner = `dispatch-${randomUUID()}`
  const sleeper = createWakeableSleep()
  // attempts are recorded in batches: one statement per batch (deliveries-repository `recordAttempts`)
  const recorder = createGroupCommit(async (batch: AttemptRecord[]) => {
    const kept = await o.deliveries.recordAttempts(batch, owner, o.schedule)
    return batch.map((r) => kept.has(r.leased.delivery.id))
  }, 2 * o.concurrency)
  /** Leased and waiting for a slot, oldest lease first; `leasedAt`: when its lease query started (performance.now()). */
  const ready: { leased: LeasedDelivery; leasedAt: number }[] = []
  /** Sends in flight (a slot is free again once the receiver answered). */
  const inFlight = new Set<Promise<void>>()
  /** Attempts sent and not yet recorded, waited for at stop. */
  const recording = new Set<Promise<void>>()
  /** Sends in flight by endpoint id. */
  const sending = new Map<string, number>()
  let running = false
  let loop: Promise<void> = Promise.resolve()
  // set when an attempt ends or work arrives, so a wake-up between two looks is not lost
  let dirty = false
  const wake = () => {
    dirty = true
    sleeper.wake()
  }
  const add = (m: Map<string, number>, key: string, delta: number) => {
    const n = (m.get(key) ?? 0) + delta
    if (n > 0) m.set(key, n)
    else m.delete(key)
  }

  /** Sends one leased delivery. @returns what to record, or null when shutdown cut it (the lease expires, a replica retries). */
  async function send(leased: LeasedDelivery): Promise<AttemptRecord | null> {
    const { delivery, endpoint } = leased
    const now = new Date()
    const body = JSON.stringify(publicBody(delivery.event as never))
    const headers = signDelivery(delivery.eventId, now, body, o.endpoints.signingSecrets(endpoint, now))
    const result = await o.sender.send(endpoint.url, body, headers)
    if (!running && !result.ok && result.httpStatus === null) return null
    return { leased, result, at: new Date() }
  }

  async function record(attempt: AttemptRecord) {
    const kept = await recorder.submit(attempt)
    observeAttempt(attempt.result)
    if (!kept)
      o.log.warn({ deliveryId: attempt.leased.delivery.id }, 'delivery lease lost; attempt not recorded')
  }

  function start(l: LeasedDelivery) {
    add(sending, l.endpoint.id, 1)
    const p = send(l)
      .then(
        (attempt) => {
          if (!attempt) return
          const r = record(attempt)
            .catch((err) =>
              o.log.error({ err, deliveryId: l.delivery.id }, 'delivery attempt failed to record'),
            )
            .finally(() => recording.delete(r))
          recording.add(r)
        },
        (err) => o.log.error({ err, deliveryId: l.delivery.id }, 'delivery attempt failed'),
      )
      .finally(() => {
        inFlight.delete(p)
        add(sending, l.endpoint.id, -1)
        pump()
        wake()
      })
    inFlight.add(p)
  }

  /** Starts waiting deliveries while there are free slots, overall and for their endpoint. */
  function pump() {
    if (!running) return
    for (let i = 0; i < ready.length && inFlight.size < o.concurrency; ) {
      const next = ready[i] as (typeof ready)[number]
      if ((sending.get(next.leased.endpoint.id) ?? 0) >= o.endpointConcurrency) {
        i++
        continue
      }
      ready.splice(i, 1)
      // the lease must outlast the attempt: else leave it to expire, to be leased again
      if (performance.now() - next.leasedAt > o.leaseMs - o.timeoutMs) continue
      start(next.leased)
    }
  }

  async function run() {
    while (running) {
      dirty = false
      pump()
      // attempts held by this replica (in flight and waiting), overall and by endpoint
      const held = new Map(sending)
      for (const r of ready) add(held, r.leased.endpoint.id, 1)
      const want = Math.min(2 * o.concurrency - inFlight.size - ready.length, o.concurrency)
      let leased: LeasedDelivery[] = []
      if (want > 0 && ready.length < o.concurrency) {
        const leasedAt = performance.now()
        try {
          leased = await o.deliveries.leaseDue({
            owner,
            limit: want,
            perEndpoint: 2 * o.endpointConcurrency,
            busy: held,
            leaseMs: o.leaseMs,
          })
        } catch (err) {
          o.log.error({ err }, 'leasing deliveries failed; retrying')
        }
        for (const l of leased) ready.push({ leased: l, leasedAt })
        pump()
      }
      // fewer than asked: nothing else is due (or its endpoints are busy) until an attempt ends or work arrives
      if ((want <= 0 || leased.length < want) && !dirty) await sleeper.sleep(o.pollMs)
    }
  }

  return {
    start() {
      if (running) return
      running = true
      loop = run()
    },
    wake,
    async stop() {
      running = false
      sleeper.wake()
      await loop
      // leased but never sent: free them for the other replicas (or this one, restarted) now
      const unsent = ready.splice(0).map((r) => r.leased.delivery.id)
      await o.deliveries
        .release(owner, unsent)
        .catch((err) => o.log.warn({ err }, 'releasing leases failed; they expire'))
      await o.sender.destroy()
      await Promise.all(inFlight)
      await Promise.all(recording)
      await recorder.drain()
    },
  }
}
