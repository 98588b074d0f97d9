import { randomBytes } from 'node:crypto'
import { jetstreamManager } from '@nats-io/jetstream'
import { connect } from '@nats-io/transport-node'
import postgres from 'postgres'

/** Anything with tap's `teardown`. */
export interface Teardownable {
  teardown(fn: () => unknown): void
}

/** PostgreSQL server the tests use (an admin database on it); default: the machine's local one. */
export const TEST_ADMIN_DATABASE_URL =
  process.env.TEST_ADMIN_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
/** NATS server the tests use. */
export const TEST_NATS_URL = process.env.TEST_NATS_URL ?? 'nats://127.0.0.1:4222'

/**
 * Creates an empty database of its own for one test (so tests run in parallel and migrations
 * use the real schema names), and drops it at teardown.
 * @returns its connection URL.
 */
export async function createTestDatabase(t: Teardownable): Promise<string> {
  const name = `sb_test_${randomBytes(6).toString('hex')}`
  const admin = postgres(TEST_ADMIN_DATABASE_URL, { max: 1, onnotice: () => {} })
  await admin.unsafe(`create database ${name}`)
  await admin.end()
  t.teardown(async () => {
    const sql = postgres(TEST_ADMIN_DATABASE_URL, { max: 1, onnotice: () => {} })
    await sql.unsafe(`drop database if exists ${name} with (force)`)
    await sql.end()
  })
  const url = new URL(TEST_ADMIN_DATABASE_URL)
  url.pathname = `/${name}`
  return url.toString()
}

/**
 * A fresh NATS namespace (subject and stream prefix) for one test; its streams are deleted at
 * teardown. Pass it as `namespace` to the nats plugin and consumers.
 */
export function createTestNamespace(t: Teardownable): string {
  const namespace = `t${randomBytes(5).toString('hex')}`
  t.teardown(async () => {
    const nc = await connect({ servers: TEST_NATS_URL })
    const jsm = await jetstreamManager(nc)
    for await (const s of jsm.streams.list()) {
      if (s.config.name.startsWith(`${namespace.toUpperCase()}_`)) await jsm.streams.delete(s.config.name)
    }
    await nc.close()
  })
  return namespace
}

/** Polls `check` every 25 ms until it holds; false after `timeoutMs` (default 10 s). */
export async function waitUntil(
  check: () => boolean | Promise<boolean>,
  timeoutMs = 10_000,
): Promise<boolean> {
  const end = Date.now() + timeoutMs
  while (Date.now() < end) {
    if (await check()) return true
    await new Promise((r) => setTimeout(r, 25))
  }
  return false
}

export { freePort, startPrivateNats } from './private-nats.js'
export { type RawAnswer, rawHttp } from './raw-http.js'
