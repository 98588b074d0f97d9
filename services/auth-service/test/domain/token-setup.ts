/**
 * The common start of the token-service and refresher tests: the sandbox, a fresh auth-service,
 * one connected creator, and small readers around its connection (access tokens, refresh attempts).
 */
import type { Teardownable } from '@social-bridge/service-kit/testing'
import type { Sandbox, SandboxUser } from '@social-bridge/tiktok-sandbox'
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import { collectEvents } from '../db.js'
import { build, connectAccount, startSandbox } from '../helper.js'
import { requestAccessToken } from '../setup.js'

/** Options of {@link tokenSetup}. */
export interface TokenSetupOptions {
  /** The peer service whose internal token the requests carry (`publish-service`, `analytics-service`…). */
  service: string
  /** Subscribe to the app's domain events before the creator connects (`events` in the result). */
  collectEvents?: boolean
}

/** What {@link tokenSetup} returns. */
export interface TokenSetup {
  sandbox: Sandbox
  app: FastifyInstance
  /** The connected sandbox user. */
  creator: SandboxUser
  connectionId: string
  /** POSTs `/internal/connections/:id/lease` as `service` with `payload` (default `{}`). */
  getToken(payload?: Record<string, unknown>): Promise<LightMyRequestResponse>
  /** The connection's rows of `auth.refresh_attempts`, oldest first, as `outcome` or `outcome:error_code`. */
  attempts(): Promise<string[]>
  /** How many `oauth.token` calls the sandbox has logged. */
  tokenCalls(): number
}

/** Starts the sandbox and auth-service and connects a new creator for tenant `t1`, user `u1`. */
export function tokenSetup(
  t: Teardownable,
  opts: TokenSetupOptions & { collectEvents: true },
): Promise<TokenSetup & { events: ReturnType<typeof collectEvents> }>
export function tokenSetup(t: Teardownable, opts: TokenSetupOptions): Promise<TokenSetup>
export async function tokenSetup(t: Teardownable, opts: TokenSetupOptions) {
  const sandbox = await startSandbox(t)
  const { app } = await build(t, { sandbox })
  const events = opts.collectEvents ? collectEvents(app) : undefined
  const creator = sandbox.addUser()
  const { connectionId } = await connectAccount(app, { tenantId: 't1', userId: 'u1' }, creator.openId)
  const getToken = (payload: Record<string, unknown> = {}) =>
    requestAccessToken(app, connectionId, { service: opts.service, payload })
  const attempts = async () =>
    (
      await app.sql`select outcome, error_code from auth.refresh_attempts where connection_id = ${connectionId} order by id`
    ).map((r) => `${r.outcome}${r.error_code ? `:${r.error_code}` : ''}`)
  const tokenCalls = () => sandbox.requestLog().filter((e) => e.endpoint === 'oauth.token').length
  const setup: TokenSetup = { sandbox, app, creator, connectionId, getToken, attempts, tokenCalls }
  return events ? { ...setup, events } : setup
}
