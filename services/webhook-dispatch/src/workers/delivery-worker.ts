import { randomUUID } from 'node:crypto'
import { createWakeableSleep } from '@social-bridge/service-kit'
import type { FastifyBaseLogger } from 'fastify'
import { publicBody } from '../domain/event-catalogue.js'
import type { RetrySchedule } from '../domain/retry-schedule.js'
import type { Sender } from '../domain/sender.js'
import { signDelivery } from '../domain/signature.js'
import { observeAttempt } from '../metrics.js'
import type { DeliveriesRepository, LeasedDelivery } from '../repositories/deliveries-repository.js'
import type { EndpointsRepository } from '../repositories/endpoints-repository.js'

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
  concurrency: number
  leaseMs: number
  pollMs: number
  log: FastifyBaseLogger
}

/**
 * Leases due deliveries (`FOR UPDATE SKIP LOCKED`, so one attempt at a time per event and
 * endpoint across replicas), signs each with the endpoint's secrets (Standard Webhooks), sends
 * it, and records the attempt before the lease is released. Up to `concurrency` attempts in flight.
 */
export function createDeliveryWorker(o: DeliveryWorkerOptions): DeliveryWorker {
  const owner = `dispatch-${randomUUID()}`
  const sleeper = createWakeableSleep()
  const inFlight = new Set<Promise<void>>()
  let running = false
  let loop: Promise<void> = Promise.resolve()
  // set when an attempt ends or work arrives, so a wake-up between two looks is not lost
  let dirty = false
  const wake = () => {
    dirty = true
    sleeper.wake()
  }

  async function attempt(leased: LeasedDelivery) {
    const { delivery, endpoint } = leased
    const now = new Date()
    const body = JSON.stringify(publicBody(delivery.event as never))
    const headers = signDelivery(delivery.eventId, now, body, o.endpoints.signingSecrets(endpoint, now))
    const result = await o.sender.send(endpoint.url, body, headers)
    if (!running && !result.ok && result.httpStatus === null) return // cut by shutdown: the lease expires, another replica retries
    const kept = await o.deliveries.recordAttempt(leased, owner, result, o.schedule)
    observeAttempt(result)
    if (!kept) o.log.warn({ deliveryId: delivery.id }, 'delivery lease lost; attempt not recorded')
  }

  async function run() {
    while (running) {
      dirty = false
      const free = o.concurrency - inFlight.size
      let leased: LeasedDelivery[] = []
      if (free > 0) {
        try {
          leased = await o.deliveries.leaseDue(owner, free, o.leaseMs)
        } catch (err) {
          o.log.error({ err }, 'leasing deliveries failed; retrying')
        }
      }
      for (const l of leased) {
        const p = attempt(l)
          .catch((err) =>
            o.log.error({ err, deliveryId: l.delivery.id }, 'delivery attempt failed to record'),
          )
          .finally(() => {
            inFlight.delete(p)
            wake()
          })
        inFlight.add(p)
      }
      if ((leased.length === 0 || inFlight.size >= o.concurrency) && !dirty) await sleeper.sleep(o.pollMs)
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
    },
  }
}
