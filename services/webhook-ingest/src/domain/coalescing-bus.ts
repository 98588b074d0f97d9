import type { EventBus } from '@social-bridge/service-kit'

/**
 * Wraps `bus` so that the publishes requested during one event-loop turn are issued together at
 * the turn's end (`setImmediate`). nats.js writes its pending protocol buffer once per microtask
 * flush, so publishes issued back to back leave in one socket write instead of one write per
 * HTTP request — under load the per-publish write syscall was the largest single cost of a
 * delivery (see bench/webhook-ingest.ts). Each publish still waits for its own JetStream ack,
 * with its own deadline, and rejects on its own: nothing is acknowledged that was not stored.
 */
export function createCoalescingBus(bus: EventBus): EventBus {
  let queue: (() => void)[] = []
  const issueAll = () => {
    const batch = queue
    queue = []
    for (const issue of batch) issue()
  }
  return {
    publish(subject, envelope, opts) {
      return new Promise((resolve, reject) => {
        if (queue.length === 0) setImmediate(issueAll)
        queue.push(() => {
          bus.publish(subject, envelope, opts).then(resolve, reject)
        })
      })
    },
  }
}
