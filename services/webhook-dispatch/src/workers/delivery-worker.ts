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
import { createAttemptRecorder } from './attempt-recorder.js'

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
  leaseMs: number
  pollMs: number
  log: FastifyBaseLogger
}

/**
 * Leases due deliveries in batches (`FOR UPDATE SKIP LOCKED`, so one attempt at a time per event
 * and endpoint across replicas; one lease query at a time, for as many as there are free slots),
 * signs each with the endpoint's secrets (Standard Webhooks), sends it, and records the attempts
 * in batches (group commit) before their leases are released. Up to `concurrency` attempts in
 * flight, `endpointConcurrency` per endpoint. docs/webhooks-to-the-crm.md "Throughput".
 */
export function createDeliveryWorker(o: DeliveryWorkerOptions): DeliveryWorker {
  const owner = `dispatch-${randomUUID()}`
  const sleeper = createWakeableSleep()
  const recorder = createAttemptRecorder({
    deliveries: o.deliveries,
    owner,
    schedule: o.schedule,
    maxBatch: Math.max(64, 2 * o.concurrency),
  })
  /** Sends in flight (a slot is free again once the receiver answered). */
  const inFlight = new Set<Promise<void>>()
  /** Attempts sent and not yet recorded, waited for at stop. */
  const recording = new Set<Promise<void>>()
  const busy = new Map<string, number>()
  let running = false
  let loop: Promise<void> = Promise.resolve()
  // set when an attempt ends or work arrives, so a wake-up between two looks is not lost
  let dirty = false
  const wake = () => {
    dirty = true
    sleeper.wake()
  }
  const setBusy = (endpointId: string, delta: number) => {
    const n = (busy.get(endpointId) ?? 0) + delta
    if (n > 0) busy.set(endpointId, n)
    else busy.delete(endpointId)
  }

  /** Sends one leased delivery. @returns what to record, or null when shutdown cut it (the lease expires, a replica retries). */
  async function send(leased: LeasedDelivery) {
    const { delivery, endpoint } = leased
    const now = new Date()
    const body = JSON.stringify(publicBody(delivery.event as never))
    const headers = signDelivery(delivery.eventId, now, body, o.endpoints.signingSecrets(endpoint, now))
    const result = await o.sender.send(endpoint.url, body, headers)
    if (!running && !result.ok && result.httpStatus === null) return null
    return { leased, result, at: new Date() }
  }

  async function record(attempt: AttemptRecord) {
    const kept = await recorder.record(attempt)
    observeAttempt(attempt.result)
    if (!kept) o.log.warn({ deliveryId: attempt.leased.delivery.id }, 'delivery lease lost; attempt not recorded')
  }

  function start(l: LeasedDelivery) {
    setBusy(l.endpoint.id, 1)
    const sent = send(l)
    const p = sent
      .then(
        (attempt) => {
          if (!attempt) return
          const r = record(attempt)
            .catch((err) => o.log.error({ err, deliveryId: l.delivery.id }, 'delivery attempt failed to record'))
            .finally(() => recording.delete(r))
          recording.add(r)
        },
        (err) => o.log.error({ err, deliveryId: l.delivery.id }, 'delivery attempt failed'),
      )
      .finally(() => {
        inFlight.delete(p)
        setBusy(l.endpoint.id, -1)
        wake()
      })
    inFlight.add(p)
  }

  async function run() {
    while (running) {
      dirty = false
      const free = o.concurrency - inFlight.size
      let leased: LeasedDelivery[] = []
      if (free > 0) {
        try {
          leased = await o.deliveries.leaseDue({
            owner,
            limit: free,
            perEndpoint: o.endpointConcurrency,
            busy,
            leaseMs: o.leaseMs,
          })
        } catch (err) {
          o.log.error({ err }, 'leasing deliveries failed; retrying')
        }
      }
      for (const l of leased) start(l)
      // fewer than asked: nothing else is due (or its endpoints are busy) until an attempt ends or work arrives
      if ((leased.length < free || inFlight.size >= o.concurrency) && !dirty) await sleeper.sleep(o.pollMs)
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
      await o.sender.destroy()
      await Promise.all(inFlight)
      await Promise.all(recording)
      await recorder.drain()
    },
  }
}
