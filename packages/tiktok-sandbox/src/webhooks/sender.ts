import { request } from 'undici'
import { toJson } from '../json.js'
import type { SandboxSettings } from '../settings.js'
import type { Clock } from '../state/clock.js'
import { createVirtualTimers } from '../state/virtual-timers.js'
import { signWebhook } from './sign.js'

/** Webhook event names the sandbox emits (docs/tiktok-api.md §4.4). */
export type WebhookEvent =
  | 'post.publish.inbox_delivered'
  | 'post.publish.complete'
  | 'post.publish.publicly_available'
  | 'post.publish.no_longer_publicaly_available'
  | 'post.publish.failed'
  | 'authorization.removed'

/** One delivery attempt. */
export interface WebhookAttempt {
  /** Real Unix ms when sent. */
  at: number
  /** Virtual Unix ms when sent (the clock retries and the 72 h window are measured on). */
  virtualAt: number
  /** HTTP status answered, absent on network error or timeout. */
  status?: number
  error?: string
  /** The `TikTok-Signature` header sent. */
  signature: string
  /** Backoff (ms) scheduled before the next attempt; absent when this attempt was the last. */
  retryInMs?: number
  /** Virtual Unix ms the next attempt is due (`virtualAt + retryInMs`); absent when this was the last. */
  retryAt?: number
}

/** An event and its delivery history, readable by tests (`sandbox.webhookDeliveries()`). */
export interface WebhookDelivery {
  id: number
  event: WebhookEvent
  userOpenId?: string
  /** The decoded `content` object (bigints are post ids). */
  content: Record<string, unknown>
  /** The exact raw body POSTed (envelope of docs/tiktok-api.md §4.3). */
  body: string
  url?: string
  /** Virtual Unix ms of the event. */
  createdAt: number
  attempts: WebhookAttempt[]
  /** `no_url`: no webhook URL configured, nothing sent. */
  state: 'pending' | 'delivered' | 'failed' | 'no_url'
}

/**
 * Sends signed webhooks in the background. A delivery that does not get HTTP 200 is retried
 * with exponential backoff (`webhookRetryBaseDelayMs` × 2^n, at most `webhookRetryMaxDelayMs`)
 * on the virtual clock until a 200, or until the next attempt would fall outside
 * `webhookRetryWindowMs` (72 h, docs/tiktok-api.md §4.1) after the event, or `webhookMaxAttempts` when set.
 */
export interface WebhookSender {
  /** Queues an event; never blocks or throws. */
  emit(event: WebhookEvent, userOpenId: string | undefined, content: Record<string, unknown>): WebhookDelivery
  deliveries(): WebhookDelivery[]
  /**
   * Takes over deliveries of a saved state (ids kept): each `pending` one is retried when its
   * last attempt's `retryAt` comes (at once if that passed, or if it was never attempted).
   */
  restore(deliveries: WebhookDelivery[]): void
  clear(): void
  /** Aborts attempts in flight and cancels retries; unfinished deliveries stay `pending`. */
  close(): void
}

export interface WebhookSenderDeps {
  clientKey: string
  clientSecret: string
  webhookUrl: () => string | undefined
  settings: SandboxSettings
  clock: Clock
  /** Called after an attempt changed a delivery's state or history (saves a state file). */
  onChange?: () => void
}

/** Creates the sender. Only HTTP 200 counts as delivered (docs/tiktok-api.md §4.1). */
export function createWebhookSender(deps: WebhookSenderDeps): WebhookSender {
  let deliveries: WebhookDelivery[] = []
  const timers = createVirtualTimers(deps.clock)
  let nextId = 1
  let closed = false
  const inflight = new AbortController()

  async function attempt(d: WebhookDelivery): Promise<void> {
    const url = d.url
    if (!url) return
    const s = deps.settings
    const first = d.attempts[0]
    const signature =
      s.webhookResignRetries || !first
        ? signWebhook(deps.clientSecret, d.body, Math.floor(Date.now() / 1000))
        : first.signature
    const a: WebhookAttempt = { at: Date.now(), virtualAt: deps.clock.now(), signature }
    d.attempts.push(a)
    try {
      const res = await request(url, {
        method: 'POST',
        body: d.body,
        headers: { 'content-type': 'application/json', 'tiktok-signature': signature },
        headersTimeout: s.webhookTimeoutMs,
        bodyTimeout: s.webhookTimeoutMs,
        signal: inflight.signal,
      })
      a.status = res.statusCode
      await res.body.dump()
    } catch (err) {
      a.error = err instanceof Error ? err.message : String(err)
    }
    try {
      settle(d, a)
    } finally {
      deps.onChange?.()
    }
  }

  function settle(d: WebhookDelivery, a: WebhookAttempt): void {
    const s = deps.settings
    if (a.status === 200) {
      d.state = 'delivered'
      return
    }
    const delay = Math.min(s.webhookRetryBaseDelayMs * 2 ** (d.attempts.length - 1), s.webhookRetryMaxDelayMs)
    const retryAt = deps.clock.now() + delay
    const exhausted =
      (s.webhookMaxAttempts !== null && d.attempts.length >= s.webhookMaxAttempts) ||
      retryAt - d.createdAt > s.webhookRetryWindowMs
    if (exhausted) {
      d.state = 'failed'
      return
    }
    // Closing: it stays pending, so a sandbox restored from a state file retries it.
    if (closed) return
    a.retryInMs = delay
    a.retryAt = retryAt
    timers.at(retryAt, () => void attempt(d))
  }

  return {
    emit(event, userOpenId, content) {
      const now = deps.clock.now()
      const envelope: Record<string, unknown> = {
        client_key: deps.clientKey,
        event,
        create_time: Math.floor(now / 1000),
      }
      if (userOpenId) envelope.user_openid = userOpenId
      envelope.content = toJson(content)
      const url = deps.webhookUrl()
      const d: WebhookDelivery = {
        id: nextId++,
        event,
        userOpenId,
        content,
        body: JSON.stringify(envelope),
        url,
        createdAt: now,
        attempts: [],
        state: url ? 'pending' : 'no_url',
      }
      deliveries.push(d)
      if (url && !closed) setImmediate(() => void attempt(d))
      return d
    },
    deliveries: () => deliveries,
    restore(saved) {
      for (const d of saved) {
        deliveries.push(d)
        nextId = Math.max(nextId, d.id + 1)
        if (d.state !== 'pending' || closed) continue
        timers.at(d.attempts.at(-1)?.retryAt ?? deps.clock.now(), () => void attempt(d))
      }
    },
    clear() {
      deliveries = []
    },
    close() {
      closed = true
      inflight.abort()
      timers.close()
    },
  }
}
