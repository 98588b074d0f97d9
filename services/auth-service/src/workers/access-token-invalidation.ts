import type { NatsConnection } from '@nats-io/transport-node'
import { namespacedSubject, Subjects } from '@social-bridge/contracts'
import type { AccessTokenCache } from '../domain/access-token-cache.js'

/** The events after which a connection's token may no longer be handed out from memory. */
export const INVALIDATING_SUBJECTS = [
  Subjects.connectionConnected,
  Subjects.connectionRefreshed,
  Subjects.connectionReauthRequired,
  Subjects.connectionDisconnected,
] as const

/** A running invalidation subscription; `stop` turns the cache off and unsubscribes. */
export interface AccessTokenInvalidation {
  stop(): Promise<void>
}

/**
 * Keeps this replica's access-token cache true to every replica's changes: a plain NATS
 * subscription (each replica gets every event, no queue group, nothing to ack) to the
 * `social.connection.*` events auth-service publishes through its outbox right after each change
 * commits drops the connection's entry as the event arrives. The cache is turned on only once the
 * subscription is registered at the server (a flush), off while the NATS connection is down or
 * stale (events published meanwhile are not delivered to a plain subscription), and emptied when
 * a message cannot be read or this client dropped messages as a slow consumer.
 * What stays: an event whose publish failed is sent by the outbox relay later, so until then the
 * cache's safety TTL (ACCESS_TOKEN_CACHE_TTL_MS) bounds how long another replica can serve the
 * token (README "Access-token cache").
 */
export async function startAccessTokenInvalidation(opts: {
  nc: NatsConnection
  namespace: string
  cache: AccessTokenCache
  log?: { warn(obj: object, msg: string): void }
}): Promise<AccessTokenInvalidation> {
  const { nc, cache, log } = opts
  let live = true
  const forgetAll = () => cache.setEnabled(live && cache.enabled)
  const subs = INVALIDATING_SUBJECTS.map((subject) =>
    nc.subscribe(namespacedSubject(opts.namespace, subject), {
      callback: (err, msg) => {
        if (err) {
          live = false
          cache.setEnabled(false)
          log?.warn(
            { err: { message: err.message } },
            'access-token cache off: invalidation subscription failed',
          )
          return
        }
        let id: unknown
        try {
          id = msg.json<{ data?: { connectionId?: unknown } }>().data?.connectionId
        } catch {
          id = undefined
        }
        if (typeof id === 'string') cache.invalidate(id)
        else forgetAll()
      },
    }),
  )
  const enableOnceSubscribed = async () => {
    try {
      await nc.flush()
      if (live) cache.setEnabled(true)
    } catch {
      // the connection went down meanwhile: its `reconnect` status enables the cache again
    }
  }
  let stopped = false
  void (async () => {
    // ends when the connection closes (the NATS plugin drains it after the workers stop)
    for await (const s of nc.status()) {
      if (stopped) break
      if (s.type === 'disconnect' || s.type === 'staleConnection' || s.type === 'close') {
        live = false
        cache.setEnabled(false)
      } else if (s.type === 'reconnect') {
        live = true
        void enableOnceSubscribed()
      } else if (s.type === 'slowConsumer') {
        forgetAll()
      }
    }
  })()
  await enableOnceSubscribed()
  return {
    async stop() {
      stopped = true
      live = false
      cache.setEnabled(false)
      for (const sub of subs) sub.unsubscribe()
    },
  }
}
