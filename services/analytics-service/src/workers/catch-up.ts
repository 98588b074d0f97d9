import { setTimeout as sleep } from 'node:timers/promises'
import type { AuthClient } from '@social-bridge/auth-client'
import { isSyncedProvider } from '../domain/sync/providers.js'
import type { AnalyticsDomain } from '../plugins/app/domain.js'

/**
 * Start-up catch-up: lists auth-service's active connections (`GET /internal/connections?status=active`)
 * and tracks the ones no `connected` event told us about (e.g. connected before this service
 * existed, or while its consumer lagged). Retries with a capped backoff while auth-service is
 * unreachable, until `signal` aborts.
 * @returns how many connections were newly tracked (or filled in).
 */
export async function catchUpConnections(deps: {
  authClient: Pick<AuthClient, 'listActiveConnections'>
  domain: AnalyticsDomain
  signal: AbortSignal
  log?: { warn(obj: object, msg: string): void }
}): Promise<number> {
  for (let attempt = 0; !deps.signal.aborted; attempt++) {
    const listedAt = new Date()
    try {
      // providers with a sync adapter (TikTok, Instagram: metrics, and Instagram's comments); not TikTok Shop sellers
      const items = (await deps.authClient.listActiveConnections()).filter((c) =>
        isSyncedProvider(c.provider),
      )
      return await deps.domain.connections.trackListed(items, listedAt, deps.domain.clock())
    } catch (err) {
      deps.log?.warn({ err, attempt }, 'connection catch-up failed; retrying')
      await sleep(Math.min(30_000, 500 * 2 ** attempt), undefined, { signal: deps.signal }).catch(() => {})
    }
  }
  return 0
}
