/**
 * Instagram webhooks as Meta sends them (docs/instagram-api.md "Webhooks"): a subscription made
 * with the verification handshake (`GET <callback>?hub.mode=subscribe&hub.challenge=…&hub.verify_token=…`,
 * the callback must answer 200 with the raw challenge), then notifications
 * `{object: 'instagram', entry: [{id, time, changes: [{field, value}]}]}` POSTed with
 * `X-Hub-Signature-256: sha256=<hex HMAC-SHA256(app secret, body)>`, several changes batched
 * into one notification (at most 1000), retried on anything but 200 "immediately, then a few
 * more times with decreasing frequency over the next 36 hours" (`retryDelaysMs`, on the
 * sandbox's virtual clock), then dropped. Faults: a bad signature, a duplicate delivery.
 */
import { createHmac, randomInt } from 'node:crypto'
import { request } from 'undici'
import type { Clock } from '../state/clock.js'
import { createVirtualTimers } from '../state/virtual-timers.js'
import type { InstagramApp } from './index.js'

/** Delivery settings, changed in place through `webhooks.settings`. */
export interface IgWebhookSettings {
  /** Changes emitted within this many ms go out in one notification (0 = those of one event-loop turn). */
  batchWindowMs: number
  /** Most changes per notification (Meta: 1000). */
  maxBatch: number
  /**
   * Delay before each retry after the first attempt, ms, growing ("decreasing frequency"); a
   * delivery still failing after the last one is dropped. The default sums to 35 h 21 min.
   */
  retryDelaysMs: number[]
  /** Per-attempt timeout, ms. */
  timeoutMs: number
}

const MIN = 60_000
const HOUR = 60 * MIN

/** Meta's schedule as documented: at once, then growing gaps within 36 h (Meta publishes no gaps). */
export const DEFAULT_RETRY_DELAYS_MS = [
  0,
  MIN,
  5 * MIN,
  15 * MIN,
  HOUR,
  2 * HOUR,
  4 * HOUR,
  8 * HOUR,
  20 * HOUR,
]

/** One attempt of a notification. */
export interface IgWebhookAttempt {
  /** Virtual Unix ms when sent. */
  virtualAt: number
  /** HTTP status answered; absent on a network error or timeout. */
  status?: number
  error?: string
  /** The `X-Hub-Signature-256` sent (a wrong one under the `bad_signature` fault). */
  signature: string
  /** Delay before the next attempt, ms (from `retryDelaysMs`); absent when this was the last. */
  retryInMs?: number
  /** Virtual Unix ms of the next attempt; absent when this was the last. */
  retryAt?: number
}

/** A notification and its delivery history (`sandbox.instagram.webhooks.deliveries()`). */
export interface IgWebhookDelivery {
  id: number
  /** The exact raw body POSTed. */
  body: string
  url: string
  /** Fields of its changes, in order. */
  fields: string[]
  /** Virtual Unix ms it was built. */
  createdAt: number
  attempts: IgWebhookAttempt[]
  /** `dropped`: every retry failed (36 h), as Meta drops it. */
  state: 'pending' | 'delivered' | 'dropped'
  /** Set on the second copy the `duplicate` fault sends. */
  duplicateOf?: number
}

/** A subscription that passed the handshake. */
export interface IgWebhookSubscription {
  callbackUrl: string
  fields: string[]
}

/** What a handshake got back. */
export interface IgHandshakeResult {
  ok: boolean
  status?: number
  body?: string
  error?: string
}

/** Faults of the next deliveries. */
export type IgWebhookFault = 'bad_signature' | 'duplicate'

/** The webhook sender of the emulated Instagram app. */
export interface IgWebhooks {
  readonly settings: IgWebhookSettings
  /**
   * Subscribes the app as the App Dashboard does: the handshake GET against `callbackUrl` (default
   * `app.webhookUrl`) with `verifyToken` (default `app.webhookVerifyToken`); the subscription holds
   * only when the callback answers 200 with the challenge itself. Default fields: `comments`.
   */
  subscribe(opts?: {
    callbackUrl?: string
    verifyToken?: string
    fields?: string[]
  }): Promise<IgHandshakeResult>
  subscription(): IgWebhookSubscription | undefined
  /**
   * Queues a change about the account `igUserId` (only when subscribed to `field`; returns false
   * otherwise). Changes queued within `batchWindowMs` leave in one notification.
   */
  emit(igUserId: string, field: string, value: unknown): boolean
  deliveries(): IgWebhookDelivery[]
  /** The next `count` notifications get the fault (`bad_signature`: signed with another secret; `duplicate`: sent twice). */
  injectFault(fault: IgWebhookFault, count?: number): void
  /** Cancels retries and attempts in flight. */
  close(): void
}

interface QueuedChange {
  igUserId: string
  field: string
  value: unknown
}

/** Creates the sender for `app` on the sandbox's virtual clock. */
export function createIgWebhooks(deps: {
  app: InstagramApp
  clock: Clock
  settings?: Partial<IgWebhookSettings>
}): IgWebhooks {
  const settings: IgWebhookSettings = {
    batchWindowMs: 0,
    maxBatch: 1000,
    retryDelaysMs: [...DEFAULT_RETRY_DELAYS_MS],
    timeoutMs: 5000,
    ...deps.settings,
  }
  const timers = createVirtualTimers(deps.clock)
  const inflight = new AbortController()
  const deliveries: IgWebhookDelivery[] = []
  const faults: Record<IgWebhookFault, number> = { bad_signature: 0, duplicate: 0 }
  let sub: IgWebhookSubscription | undefined
  let queue: QueuedChange[] = []
  let flushTimer: NodeJS.Timeout | undefined
  let nextId = 1
  let closed = false

  const sign = (body: string, secret: string) =>
    `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`

  function build(changes: QueuedChange[], url: string): IgWebhookDelivery {
    const time = Math.floor(deps.clock.now() / 1000)
    const entries = new Map<string, { field: string; value: unknown }[]>()
    for (const c of changes)
      entries.set(c.igUserId, [...(entries.get(c.igUserId) ?? []), { field: c.field, value: c.value }])
    const body = JSON.stringify({
      object: 'instagram',
      entry: [...entries].map(([id, list]) => ({ id, time, changes: list })),
    })
    return {
      id: nextId++,
      body,
      url,
      fields: changes.map((c) => c.field),
      createdAt: deps.clock.now(),
      attempts: [],
      state: 'pending',
    }
  }

  function flush(): void {
    flushTimer = undefined
    const url = sub?.callbackUrl
    while (url && queue.length > 0 && !closed) {
      const d = build(queue.splice(0, settings.maxBatch), url)
      deliveries.push(d)
      const badSignature = take('bad_signature')
      void attempt(d, badSignature)
      if (take('duplicate')) {
        const copy: IgWebhookDelivery = {
          ...d,
          id: nextId++,
          attempts: [],
          state: 'pending',
          duplicateOf: d.id,
        }
        deliveries.push(copy)
        void attempt(copy, false)
      }
    }
    queue = []
  }

  function take(fault: IgWebhookFault): boolean {
    if (faults[fault] <= 0) return false
    faults[fault]--
    return true
  }

  async function attempt(d: IgWebhookDelivery, badSignature: boolean): Promise<void> {
    const signature = sign(d.body, badSignature ? `${deps.app.appSecret}-not` : deps.app.appSecret)
    const a: IgWebhookAttempt = { virtualAt: deps.clock.now(), signature }
    d.attempts.push(a)
    try {
      const res = await request(d.url, {
        method: 'POST',
        body: d.body,
        headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature },
        headersTimeout: settings.timeoutMs,
        bodyTimeout: settings.timeoutMs,
        signal: inflight.signal,
      })
      a.status = res.statusCode
      await res.body.dump()
    } catch (err) {
      a.error = err instanceof Error ? err.message : String(err)
    }
    if (a.status === 200) {
      d.state = 'delivered'
      return
    }
    const delay = settings.retryDelaysMs[d.attempts.length - 1]
    if (delay === undefined) {
      d.state = 'dropped'
      return
    }
    if (closed) return
    a.retryInMs = delay
    a.retryAt = deps.clock.now() + delay
    // a retry is signed right (the fault hits one attempt): it shows the receiver recovers
    timers.at(a.retryAt, () => void attempt(d, false))
  }

  return {
    settings,
    async subscribe(opts = {}) {
      const callbackUrl = opts.callbackUrl ?? deps.app.webhookUrl
      const verifyToken = opts.verifyToken ?? deps.app.webhookVerifyToken
      if (!callbackUrl || verifyToken === undefined)
        return { ok: false, error: 'no callback URL or verify token' }
      const challenge = String(randomInt(1, 2 ** 31 - 1))
      const url = new URL(callbackUrl)
      url.searchParams.set('hub.mode', 'subscribe')
      url.searchParams.set('hub.challenge', challenge)
      url.searchParams.set('hub.verify_token', verifyToken)
      try {
        const res = await request(url, {
          method: 'GET',
          headersTimeout: settings.timeoutMs,
          bodyTimeout: settings.timeoutMs,
        })
        const body = await res.body.text()
        const ok = res.statusCode === 200 && body === challenge
        if (ok) sub = { callbackUrl, fields: opts.fields ?? ['comments'] }
        return { ok, status: res.statusCode, body }
      } catch (err) {
        return { ok: false, error: err instanceof Error ? err.message : String(err) }
      }
    },
    subscription: () => sub,
    emit(igUserId, field, value) {
      if (!sub?.fields.includes(field) || closed) return false
      queue.push({ igUserId, field, value })
      if (queue.length >= settings.maxBatch) flush()
      else flushTimer ??= setTimeout(flush, settings.batchWindowMs)
      return true
    },
    deliveries: () => deliveries,
    injectFault(fault, count = 1) {
      faults[fault] += count
    },
    close() {
      closed = true
      if (flushTimer) clearTimeout(flushTimer)
      inflight.abort()
      timers.close()
    },
  }
}
