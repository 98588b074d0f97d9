/**
 * Common starts of auth-service tests, on top of helper.ts: an app with one connected creator, a
 * second replica on the same database, and the access-token request peer services make.
 */
import type { Writable } from 'node:stream'
import type { Teardownable } from '@social-bridge/service-kit/testing'
import type { AddUserInput, Sandbox, SandboxSettings, SandboxUser } from '@social-bridge/tiktok-sandbox'
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import type { AuthConfig } from '../src/config.js'
import { asService, build, connectAccount, startSandbox } from './helper.js'

/** Options of {@link buildConnected}. */
export interface ConnectedOptions {
  /** The CRM user who connects (default tenant `t1`, user `u1`). */
  user?: { tenantId: string; userId: string }
  /** The sandbox user to add and connect. */
  creator?: AddUserInput
  sandboxSettings?: Partial<SandboxSettings>
  overrides?: Partial<AuthConfig>
}

/** What {@link buildConnected} returns. */
export interface Connected {
  sandbox: Sandbox
  app: FastifyInstance
  config: AuthConfig
  /** The connected sandbox user. */
  creator: SandboxUser
  connectionId: string
}

/** Starts the sandbox and auth-service, then connects a new sandbox user through the consent page. */
export async function buildConnected(t: Teardownable, opts: ConnectedOptions = {}): Promise<Connected> {
  const sandbox = await startSandbox(t, opts.sandboxSettings)
  const { app, config } = await build(t, {
    sandbox,
    ...(opts.overrides ? { overrides: opts.overrides } : {}),
  })
  const creator = sandbox.addUser(opts.creator)
  const user = opts.user ?? { tenantId: 't1', userId: 'u1' }
  const { connectionId } = await connectAccount(app, user, creator.openId)
  return { sandbox, app, config, creator, connectionId }
}

/**
 * Another auth-service on the database and NATS namespace of `config` (a second replica, or the
 * deployment restarted with a new config), closed at teardown. It has `config`'s token keys
 * unless `overrides` set others.
 */
export function buildReplica(
  t: Teardownable,
  sandbox: Sandbox,
  config: AuthConfig,
  opts: { overrides?: Partial<AuthConfig>; logStream?: Writable } = {},
): Promise<{ app: FastifyInstance; config: AuthConfig }> {
  return build(t, {
    sandbox,
    databaseUrl: config.DATABASE_URL,
    namespace: config.NATS_NAMESPACE,
    ...(opts.logStream ? { logStream: opts.logStream } : {}),
    overrides: { TOKEN_ENCRYPTION_KEYS: config.TOKEN_ENCRYPTION_KEYS, ...opts.overrides },
  })
}

/**
 * `POST /internal/connections/:id/lease` — auth-service hands out the connection's access token —
 * as peer `service` (default publish-service) with `payload` (default `{}`: any tenant, no forced
 * refresh).
 */
export async function requestAccessToken(
  app: FastifyInstance,
  connectionId: string,
  opts: { service?: string; payload?: Record<string, unknown> } = {},
): Promise<LightMyRequestResponse> {
  return app.inject({
    method: 'POST',
    url: `/internal/connections/${connectionId}/lease`,
    headers: await asService(opts.service ?? 'publish-service'),
    payload: opts.payload ?? {},
  })
}
