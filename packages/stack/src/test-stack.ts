import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInternalTokenSigner } from '@social-bridge/service-kit'
import {
  createTestDatabase,
  createTestNamespace,
  freePort,
  sampleMediaDir,
  TEST_NATS_URL,
  type Teardownable,
} from '@social-bridge/service-kit/testing'
import { SignJWT } from 'jose'
import { DEV_JWT, generateDevSecrets, url } from './dev-config.js'
import { launchStack } from './launch.js'
import { type StackPorts, stackEnv } from './service-env.js'

/** Claims and signing overrides of `TestStack.jwt`. */
export interface JwtOptions {
  roles?: string[]
  tenant?: string
  sub?: string
  audience?: string
  /** Unix seconds. */
  expiresAt?: number
  secret?: string
}

/** A running whole stack for black-box tests: the same processes and wiring as `pnpm start`. */
export interface TestStack {
  gateway: string
  ingest: string
  sandbox: string
  ports: StackPorts
  logDir: string
  /**
   * A CRM JWT for `roles` in `tenant`: HS256 with the stack's secret, its issuer and audience,
   * valid for an hour. `audience`, `expiresAt` (Unix seconds) and `secret` override those, to
   * forge tokens the gateway must refuse.
   */
  jwt(opts?: JwtOptions): Promise<string>
  /** The identity token the gateway would send a service for that user (benchmarks call services directly). */
  internalToken(opts?: { roles?: string[]; tenant?: string; sub?: string }): Promise<string>
}

/**
 * Environment variables to change per process (by name: `publish-service`, `sandbox`…), or a
 * function of each process's name and environment answering the changes (e.g. to route one
 * service's `DATABASE_URL` through a proxy).
 */
export type StackOverrides =
  | Partial<Record<string, Record<string, string>>>
  | ((name: string, env: Record<string, string>) => Record<string, string> | undefined)

/**
 * Starts the sandbox and the five services as processes on free ports, against a fresh
 * database and NATS namespace, and stops them at teardown. Logs go to a temp dir (`logDir`).
 */
export async function startTestStack(t: Teardownable, overrides: StackOverrides = {}): Promise<TestStack> {
  const ports = {
    gateway: await freePort(),
    auth: await freePort(),
    publish: await freePort(),
    ingest: await freePort(),
    analytics: await freePort(),
    sandbox: await freePort(),
    media: await freePort(),
  }
  const secrets = generateDevSecrets()
  const databaseUrl = await createTestDatabase(t)
  const natsNamespace = createTestNamespace(t)
  const env = stackEnv(secrets, { databaseUrl, natsUrl: TEST_NATS_URL, natsNamespace }, ports)
  for (const [name, e] of Object.entries(env)) {
    Object.assign(
      e,
      { LOG_LEVEL: 'info' },
      typeof overrides === 'function' ? overrides(name, e) : overrides[name],
    )
  }
  const logDir = mkdtempSync(join(tmpdir(), 'sb-e2e-'))
  const stack = await launchStack({
    ports,
    env,
    mediaRoots: [await sampleMediaDir()],
    logDir,
    echo: false,
    readyTimeoutMs: 90_000,
  })
  t.teardown(() => stack.stop())
  return {
    gateway: `${url(ports.gateway)}/v1`,
    ingest: url(ports.ingest),
    sandbox: url(ports.sandbox),
    ports,
    logDir,
    internalToken: ({ roles = ['admin'], tenant = DEV_JWT.tenantId, sub = 'e2e-user' } = {}) =>
      createInternalTokenSigner({ secret: secrets.internalJwtSecret, ttlSec: 3600 }).sign({
        kind: 'user',
        tenantId: tenant,
        userId: sub,
        roles,
      }),
    jwt: ({
      roles = ['admin'],
      tenant = DEV_JWT.tenantId,
      sub = 'e2e-user',
      audience = DEV_JWT.audience,
      expiresAt,
      secret = secrets.jwtSecret,
    }: JwtOptions = {}) =>
      new SignJWT({ tenant_id: tenant, roles })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(sub)
        .setIssuer(DEV_JWT.issuer)
        .setAudience(audience)
        .setIssuedAt(expiresAt === undefined ? undefined : expiresAt - 3600)
        .setExpirationTime(expiresAt ?? '1h')
        .sign(new TextEncoder().encode(secret)),
  }
}
