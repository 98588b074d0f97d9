import postgres from 'postgres'
import t from 'tap'
import { createTestDatabase } from '../src/testing/index.js'

// postgres.js 3.4.9 flushes small writes from a setImmediate; when the connection had closed in
// between, that write hit a null socket and threw outside any caller (porsager/postgres#1208), so
// a service whose database connection died in a transaction crashed instead of answering 503
// (seen: publish-service exited when the monitoring e2e cut PostgreSQL). patches/postgres@3.4.9.patch.
t.test(
  'a transaction whose connection dies rejects CONNECTION_CLOSED, and the process lives on',
  async (t) => {
    const url = await createTestDatabase(t)
    const sql = postgres(url, { max: 2, onnotice: () => {} })
    const killer = postgres(url, { max: 1 })
    t.teardown(() => Promise.all([sql.end({ timeout: 1 }), killer.end({ timeout: 1 })]))
    const crashes: unknown[] = []
    const onCrash = (err: unknown) => crashes.push(err)
    process.on('uncaughtException', onCrash)
    t.teardown(() => process.off('uncaughtException', onCrash))

    let pid: number | undefined
    const tx = sql.begin(async (q) => {
      const [row] = await q<{ pid: number }[]>`select pg_backend_pid() as pid`
      pid = row?.pid
      await q`select pg_sleep(5)` // in flight when the backend dies; the transaction then rolls back
    })
    while (pid === undefined) await new Promise((r) => setTimeout(r, 20))
    await killer`select pg_terminate_backend(${pid})`
    const outcome = await tx.then(
      () => 'committed',
      (err: { code?: string }) => err.code,
    )
    t.match(outcome, /^(CONNECTION_CLOSED|57P01)$/, 'the transaction fails with the connection')
    await new Promise((r) => setTimeout(r, 200)) // the deferred write has run by now
    t.same(crashes, [], 'nothing was thrown outside a caller')
    const [again] = await sql<{ ok: number }[]>`select 1 as ok`
    t.equal(again?.ok, 1, 'the pool reconnects and answers')
  },
)
