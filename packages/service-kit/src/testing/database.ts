import { randomBytes } from 'node:crypto'
import postgres from 'postgres'
import type { Teardownable } from './teardown.js'

/** PostgreSQL server the tests use (an admin database on it); default: the machine's local one. */
export const TEST_ADMIN_DATABASE_URL =
  process.env.TEST_ADMIN_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'

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
