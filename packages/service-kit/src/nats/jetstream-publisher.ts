import { createInbox, headers, type Msg, type NatsConnection } from '@nats-io/transport-node'
import { injectTraceContext } from '../tracing/nats-context.js'

/** JetStream's publish acknowledgement: the stream that stored the message and its sequence. */
export interface PubAck {
  stream: string
  seq: number
  /** True when the stream already held a message with this `Nats-Msg-Id` (duplicate window). */
  duplicate: boolean
}

/** Why a JetStream publish was not acknowledged; the message may or may not have been stored. */
export class JetStreamPublishError extends Error {
  override name = 'JetStreamPublishError'
  constructor(
    message: string,
    /** `timeout`, `no_stream` (no stream listens on the subject), `api` (the stream refused), `closed`. */
    readonly reason: 'timeout' | 'no_stream' | 'api' | 'closed',
    options?: ErrorOptions,
  ) {
    super(message, options)
  }
}

/** Publishes to JetStream streams and awaits each message's PubAck. */
export interface JetStreamPublisher {
  /**
   * Publishes `payload` on `subject` with `Nats-Msg-Id: msgId` and a reply subject, and resolves
   * with the stream's PubAck (NATS docs, JetStream "Publishing": a message published with a reply
   * subject to a stream's subject is answered `{stream, seq, duplicate?}` or `{error}`).
   *
   * @throws JetStreamPublishError `timeout` when no ack came within `timeoutMs` (ms) — NATS down or
   *   slow; the message may still be stored later, so re-publish with the same id —, `no_stream`
   *   when nothing listens on the subject, `api` when the stream answered an error, `closed` when
   *   the connection closed first.
   */
  publish(subject: string, payload: Uint8Array, opts: { msgId: string; timeoutMs: number }): Promise<PubAck>
}

interface Pending {
  resolve(ack: PubAck): void
  reject(err: JetStreamPublishError): void
  timer: NodeJS.Timeout
}

/**
 * A {@link JetStreamPublisher} over `nc` that correlates acks on one wildcard inbox subscription
 * (`<inbox>.<token>` per publish). It does what `jetstream(nc).publish` does without that path's
 * per-publish request objects (in nats.js 3.4 they include an error with a stack trace built for
 * every *successful* request), which cost about twice the CPU per message (bench/webhook-ingest.ts).
 * nats.js re-makes the subscription after a reconnect; an ack lost in a disconnect ends in `timeout`.
 */
export function createJetStreamPublisher(nc: NatsConnection): JetStreamPublisher {
  const prefix = `${createInbox()}.`
  const pending = new Map<string, Pending>()
  let nextToken = 0

  const settle = (token: string): Pending | undefined => {
    const p = pending.get(token)
    if (p) {
      pending.delete(token)
      clearTimeout(p.timer)
    }
    return p
  }
  const onAck = (msg: Msg) => {
    const p = settle(msg.subject.slice(prefix.length))
    if (!p) return // late: its publish already timed out
    if (msg.data.length === 0 && msg.headers?.code === 503) {
      p.reject(new JetStreamPublishError('no stream listens on the subject', 'no_stream'))
      return
    }
    let ack: { stream?: string; seq?: number; duplicate?: boolean; error?: { description?: string } }
    try {
      ack = msg.json()
    } catch (err) {
      p.reject(new JetStreamPublishError('the ack is not JSON', 'api', { cause: err }))
      return
    }
    if (ack.error || typeof ack.stream !== 'string' || typeof ack.seq !== 'number') {
      p.reject(new JetStreamPublishError(ack.error?.description ?? 'invalid ack', 'api'))
      return
    }
    p.resolve({ stream: ack.stream, seq: ack.seq, duplicate: ack.duplicate === true })
  }
  // an error here (e.g. a permission violation) brings no ack, so those publishes time out
  const sub = nc.subscribe(`${prefix}*`, {
    callback: (err, msg) => {
      if (!err) onAck(msg)
    },
  })
  void sub.closed.then(() => {
    for (const token of [...pending.keys()]) {
      settle(token)?.reject(new JetStreamPublishError('the NATS connection closed', 'closed'))
    }
  })

  return {
    publish(subject, payload, { msgId, timeoutMs }) {
      return new Promise<PubAck>((resolve, reject) => {
        const token = (nextToken++).toString(36)
        const timer = setTimeout(() => {
          settle(token)?.reject(new JetStreamPublishError(`no ack within ${timeoutMs} ms`, 'timeout'))
        }, timeoutMs)
        pending.set(token, { resolve, reject, timer })
        const h = headers()
        h.append('Nats-Msg-Id', msgId) // a fresh MsgHdrs: nothing to replace
        injectTraceContext(h)
        try {
          nc.publish(subject, payload, { reply: prefix + token, headers: h })
        } catch (err) {
          settle(token)
          reject(
            new JetStreamPublishError('publish refused', nc.isClosed() ? 'closed' : 'api', { cause: err }),
          )
        }
      })
    },
  }
}
