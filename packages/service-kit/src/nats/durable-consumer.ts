import {
  AckPolicy,
  type Consumer,
  type ConsumerMessages,
  DeliverPolicy,
  type JsMsg,
  jetstream,
  jetstreamManager,
} from '@nats-io/jetstream'
import { headers, type NatsConnection, nanos } from '@nats-io/transport-node'
import {
  AnyEventEnvelope,
  deadLetterSubject,
  type Envelope,
  namespacedStream,
  namespacedSubject,
  type StreamSpec,
} from '@social-bridge/contracts'
import type { TSchema } from 'typebox'
import { Value } from 'typebox/value'
import { redactText } from '../redact.js'
import { withConsumerSpan } from '../tracing/nats-context.js'
import { isNatsUnavailable, retryWhileNatsUnavailable } from './unavailable.js'

/** Where a handler's message came from. */
export interface DeliveryContext {
  /** Subject without the namespace, e.g. `tiktok.webhook.post.publish.complete`. */
  subject: string
  /** 1 on first delivery. */
  deliveryCount: number
  streamSequence: number
}

/** Options of `startDurableConsumer`. */
export interface DurableConsumerOptions<D> {
  nc: NatsConnection
  namespace?: string
  /** The stream (un-namespaced spec from contracts) the consumer reads. */
  stream: StreamSpec
  /** Durable name: one per service and purpose; replicas share it and split the work. */
  durableName: string
  /** Subject filter, un-namespaced; wildcards allowed. */
  filterSubject: string
  /** Validates `data`; an envelope that fails is dead-lettered at once (poison). */
  payloadSchema?: TSchema
  /** Commit the effect, then resolve. Throwing means "not done": the message is redelivered. */
  handler: (envelope: Envelope<D>, ctx: DeliveryContext) => Promise<void>
  /** Deliveries before dead-lettering. Default 5. */
  maxDeliver?: number
  /** Redelivery delays in ms, by attempt (the last repeats). Default 1 s, 5 s, 15 s, 30 s. */
  backoffMs?: number[]
  /** Time a delivery may stay unacknowledged before the server redelivers it, ms. Default 30 s. */
  ackWaitMs?: number
  log?: { warn(obj: object, msg: string): void; error(obj: object, msg: string): void }
}

/** A running consumer. `stop` stops pulling and resolves once the in-flight handler has finished. */
export interface DurableConsumer {
  stop(): Promise<void>
}

const DEFAULT_BACKOFF_MS = [1000, 5000, 15_000, 30_000]

/**
 * Life of one pull request, ms. nats.js's `consume()` asks the server for an idle heartbeat every
 * half of it and only notices a pull lost with its consumer's leader (node killed, leader elected
 * elsewhere) after two missed heartbeats, then re-checks the consumer every `expires` until it
 * answers: with the default 30 s, a durable stood still for 30–60 s after a leader's node died.
 * 5 s bounds that to a few seconds past the election, for one small pull request per 5 s.
 */
export const PULL_EXPIRES_MS = 5000

/** Consumer notifications worth a log line: the pull was lost or its consumer is unreachable. */
const TROUBLE = new Set([
  'heartbeats_missed',
  'no_responders',
  'consumer_not_found',
  'consumer_deleted',
  'stream_not_found',
])

class PoisonMessageError extends Error {
  override name = 'PoisonMessageError'
}

function decode<D>(msg: JsMsg, schema: TSchema | undefined): Envelope<D> {
  let parsed: unknown
  try {
    parsed = msg.json()
  } catch {
    throw new PoisonMessageError('body is not JSON')
  }
  if (!Value.Check(AnyEventEnvelope, parsed)) throw new PoisonMessageError('not an event envelope')
  if (schema && !Value.Check(schema, parsed.data)) {
    const first = [...Value.Errors(schema, parsed.data)][0]
    throw new PoisonMessageError(`payload invalid: ${first?.instancePath} ${first?.message}`)
  }
  return parsed as Envelope<D>
}

/**
 * Runs a durable JetStream pull consumer (CONVENTIONS.md 12): a message is acked (and the ack
 * confirmed by the server) only after `handler` resolved, i.e. after its effect is committed; a
 * handler that throws gets the message redelivered after `backoffMs`; after `maxDeliver`
 * deliveries, or at once for a poison message (not JSON, not an envelope, invalid payload), the
 * message is re-published to `dlq.<subject>` (stream DEAD_LETTERS) with the error in headers
 * (`Sb-Error`: name and message, scrubbed of tokens, codes and upload URLs' `upload_token` with
 * `redactText`, at most 512 characters), then terminated. If the dead-letter publish fails the
 * message is redelivered, never dropped.
 *
 * In a cluster, a pull lost with its consumer's leader (the node killed, a leader elected
 * elsewhere) is noticed after two missed idle heartbeats (`PULL_EXPIRES_MS`) and pulled again, a
 * few seconds past the election; a `consume()` that ends on an error is started again
 * (deploy/README.md, "The fault test").
 */
export async function startDurableConsumer<D>(opts: DurableConsumerOptions<D>): Promise<DurableConsumer> {
  const ns = opts.namespace ?? ''
  const stream = namespacedStream(ns, opts.stream)
  const maxDeliver = opts.maxDeliver ?? 5
  const backoff = opts.backoffMs ?? DEFAULT_BACKOFF_MS
  const jsm = await retryWhileNatsUnavailable(() => jetstreamManager(opts.nc))
  const js = jetstream(opts.nc)
  const config = {
    durable_name: opts.durableName,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    filter_subject: namespacedSubject(ns, opts.filterSubject),
    ack_wait: nanos(opts.ackWaitMs ?? 30_000),
    max_deliver: -1,
  }
  // At start a cluster may still be electing: wait for it rather than fail the service.
  const consumer = await retryWhileNatsUnavailable(async () => {
    try {
      await jsm.consumers.add(stream.name, config)
    } catch (err) {
      if (isNatsUnavailable(err)) throw err
      await jsm.consumers.update(stream.name, opts.durableName, {
        filter_subject: config.filter_subject,
        ack_wait: config.ack_wait,
      })
    }
    return js.consumers.get(stream.name, opts.durableName)
  })
  let stopped = false
  let messages!: ConsumerMessages
  /** Starts a pull loop (`consume`) and logs its trouble notifications; nats.js re-pulls by itself. */
  const pull = async (from: Consumer) => {
    messages = await from.consume({ max_messages: 32, expires: PULL_EXPIRES_MS })
    const current = messages
    void (async () => {
      for await (const s of current.status()) {
        if (TROUBLE.has(s.type))
          opts.log?.warn({ durable: opts.durableName, status: s }, 'consumer pull interrupted; pulling again')
      }
    })().catch(() => {})
  }
  await pull(consumer)
  const prefix = ns ? `${ns}.` : ''

  const deadLetter = async (msg: JsMsg, subject: string, reason: string) => {
    const h = headers()
    h.set('Sb-Original-Subject', subject)
    h.set('Sb-Error', reason.slice(0, 512))
    h.set('Sb-Delivery-Count', String(msg.info.deliveryCount))
    await js.publish(namespacedSubject(ns, deadLetterSubject(subject)), msg.data, {
      headers: h,
      msgID: `${stream.name}:${msg.seq}`,
    })
    msg.term(reason)
  }

  const handle = async (msg: JsMsg) => {
    const subject = msg.subject.startsWith(prefix) ? msg.subject.slice(prefix.length) : msg.subject
    const deliveryCount = msg.info.deliveryCount
    try {
      const envelope = decode<D>(msg, opts.payloadSchema)
      await withConsumerSpan(subject, msg.headers, () =>
        opts.handler(envelope, { subject, deliveryCount, streamSequence: msg.seq }),
      )
      await msg.ackAck()
    } catch (err) {
      // A handler's message may quote a TikTok response or URL: never copy a secret into NATS.
      const reason = redactText(err instanceof Error ? `${err.name}: ${err.message}` : String(err))
      const poison = err instanceof PoisonMessageError
      if (poison || deliveryCount >= maxDeliver) {
        opts.log?.error({ subject, deliveryCount, err }, 'message dead-lettered')
        try {
          await deadLetter(msg, subject, reason)
        } catch (dlqErr) {
          opts.log?.error({ subject, err: dlqErr }, 'dead-letter publish failed; message will be redelivered')
          msg.nak(backoff[backoff.length - 1])
        }
        return
      }
      opts.log?.warn({ subject, deliveryCount, err }, 'handler failed; message will be redelivered')
      msg.nak(backoff[Math.min(deliveryCount - 1, backoff.length - 1)])
    }
  }

  // `consume()` re-pulls after a lost pull or a reconnect by itself; it ends only on an error it
  // deems final (a 400, a consumer it cannot find with `abort_on_missing_resource`): start it again.
  const loop = (async () => {
    while (!stopped) {
      try {
        for await (const msg of messages) await handle(msg)
      } catch (err) {
        opts.log?.warn({ durable: opts.durableName, err }, 'consumer pull ended with an error')
      }
      if (stopped || opts.nc.isClosed()) return
      await new Promise((r) => setTimeout(r, 1000))
      try {
        const again = await retryWhileNatsUnavailable(() => js.consumers.get(stream.name, opts.durableName))
        if (!stopped) await pull(again)
        if (stopped) await messages.close() // stopped while it started
      } catch (err) {
        opts.log?.error({ durable: opts.durableName, err }, 'consumer could not be pulled again')
      }
    }
  })()

  return {
    async stop() {
      stopped = true
      await messages.close()
      await loop
    },
  }
}
