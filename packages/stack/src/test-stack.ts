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
import { type LaunchedStack, launchStack } from './launch.js'
import { type NatsCluster, startNatsCluster } from './nats-cluster.js'
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
  /** The stack's database (benchmarks run a bare baseline against the same one). */
  databaseUrl: string
  /** Process id of each process by name (`sandbox`, `gateway`, `publish-service`…), for benchmarks. */
  pids: Record<string, number>
  /** The stack's processes: kill and restart one (`kill`, `restart`, `replicasOf`). */
  processes: LaunchedStack
  /** The stack's own NATS cluster in cluster mode (`TestStackOptions.cluster`). */
  nats?: NatsCluster
  /**
   * A CRM JWT for `roles` in `tenant`: HS256 with the stack's secret, its issuer and audience,
   * valid for an hour. `audience`, `expiresAt` (Unix seconds) and `secret` override those, to
   * forge tokens the gateway must refuse.
   */
  jwt(opts?: JwtOptions): Promise<string>
  /** The identity token the gateway would send a service for that user (benchmarks call services directly). */
  internalToken(opts?: { roles?: string[]; tenant?: string; sub?: string }): Promise<string>
}

/** How `startTestStack` lays the stack out. */
export interface TestStackOptions {
  /**
   * Cluster mode (deploy/README.md "Scaling out"): a NATS cluster of its own (`natsNodes`
   * `nats-server` processes, default 3) with every stream and object store at that many replicas,
   * and `replicas` (default 2) of each service behind round-robin balancers. Same code, only
   * configuration differs.
   */
  cluster?: { natsNodes?: number; replicas?: number }
}

/**
 * PostgreSQL pool size (`DB_POOL_SIZE`, connections) of each process of a test stack, by service.
 * One stack holds 10 + 1 refresh journal + 8 + 4 + 3 = 26 connections at most, two replicas 52,
 * so a cluster stack and its test fit in ~60 of a shared server's 100 (deploy/README.md "Cluster
 * mode"), and the suite's four files at once stay under it (the services' defaults add up to 51
 * a stack); the gateway and webhook-ingest hold none. Overrides win.
 */
export const TEST_STACK_DB_POOL_SIZES: Record<string, number> = {
  'auth-service': 10,
  'publish-service': 8,
  'analytics-service': 4,
  'webhook-dispatch': 3,
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
 * Starts the sandbox and the services as processes on free ports, against a fresh database and
 * NATS namespace (in cluster mode: its own NATS cluster), and stops them at teardown — the
 * processes first, then the NATS nodes. Logs go to a temp dir (`logDir`).
 */
export async function startTestStack(
  t: Teardownable,
  overrides: StackOverrides = {},
  opts: TestStackOptions = {},
): Promise<TestStack> {
  const ports = {
    gateway: await freePort(),
    auth: await freePort(),
    publish: await freePort(),
    ingest: await freePort(),
    analytics: await freePort(),
    dispatch: await freePort(),
    sandbox: await freePort(),
    media: await freePort(),
  }
  const secrets = generateDevSecrets()
  const databaseUrl = await createTestDatabase(t)
  const natsNamespace = createTestNamespace(t)
  const logDir = mkdtempSync(join(tmpdir(), 'sb-e2e-'))
  let nats: NatsCluster | undefined
  if (opts.cluster) {
    const started = await startNatsCluster({ dir: join(logDir, 'nats'), size: opts.cluster.natsNodes ?? 3 })
    nats = started
    t.teardown(() => started.stop())
  }
  const env = stackEnv(secrets, { databaseUrl, natsUrl: nats?.seeds ?? TEST_NATS_URL, natsNamespace }, ports)
  const replicaSetting = nats ? { NATS_STREAM_REPLICAS: String(nats.nodes.length) } : {}
  for (const [name, e] of Object.entries(env)) {
    Object.assign(
      e,
      { LOG_LEVEL: 'info' },
      name === 'sandbox' ? {} : replicaSetting,
      TEST_STACK_DB_POOL_SIZES[name] ? { DB_POOL_SIZE: String(TEST_STACK_DB_POOL_SIZES[name]) } : {},
      typeof overrides === 'function' ? overrides(name, e) : overrides[name],
    )
  }
  // A test runner's timeout ends this process — tap with SIGALRM (its own listener reports the
  // timeout first), others with SIGTERM: exit, so the stack's exit hooks SIGKILL every child and
  // NATS node instead of leaving them running —
  // also while the stack is still starting (its processes so far are then killed too).
  const onTerm = () => process.exit(143)
  const onAlarm = () => process.exit(142)
  process.once('SIGTERM', onTerm)
  process.once('SIGALRM', onAlarm)
  t.teardown(() => {
    process.removeListener('SIGTERM', onTerm)
    process.removeListener('SIGALRM', onAlarm)
  })
  const stack = await launchStack({
    ports,
    env,
    mediaRoots: [await sampleMediaDir()],
    ...(opts.cluster ? { replicas: opts.cluster.replicas ?? 2 } : {}),
    logDir,
    echo: false,
    readyTimeoutMs: 90_000,
  })
  // Teardowns run in reverse: the processes stop before the NATS nodes they talk to.
  t.teardown(() => stack.stop())
  return {
    processes: stack,
    ...(nats ? { nats } : {}),
    gateway: `${url(ports.gateway)}/v1`,
    ingest: url(ports.ingest),
    sandbox: url(ports.sandbox),
    ports,
    logDir,
    databaseUrl,
    pids: Object.fromEntries(stack.running.map((p) => [p.name, p.child.pid ?? 0])),
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
