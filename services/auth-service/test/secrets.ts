/** Looking for secrets where they must never be: log lines, the `auth` schema, any text. */
import { Writable } from 'node:stream'
import type { FastifyInstance } from 'fastify'

/** A log stream for `build(t, { logStream })` and the text written to it so far. */
export function captureLogs(): { logStream: Writable; text(): string } {
  const chunks: string[] = []
  const logStream = new Writable({
    write(chunk, _enc, cb) {
      chunks.push(chunk.toString())
      cb()
    },
  })
  return { logStream, text: () => chunks.join('') }
}

/**
 * Every value of every text, bytea (as latin1 bytes and as `::text`), jsonb and array column of
 * every `auth` table, one string per value; `columns` is how many columns were read.
 */
export async function dumpAuthSchema(app: FastifyInstance): Promise<{ values: string[]; columns: number }> {
  const values: string[] = []
  const cols = await app.sql`select table_name, column_name, data_type from information_schema.columns
    where table_schema = 'auth' and data_type in ('text', 'bytea', 'jsonb', 'ARRAY')`
  for (const col of cols) {
    const rows = await app.sql.unsafe(`select "${col.column_name}"::text as v from auth."${col.table_name}"`)
    for (const r of rows) if (r.v) values.push(String(r.v))
    if (col.data_type !== 'bytea') continue
    const raw = await app.sql.unsafe(`select "${col.column_name}" as v from auth."${col.table_name}"`)
    for (const r of raw) if (r.v) values.push(Buffer.from(r.v as Uint8Array).toString('latin1'))
  }
  return { values, columns: cols.length }
}

/** `{ place: [secret prefixes found] }` for each place whose text holds one of `secrets`. */
export function leaks(places: Record<string, string>, secrets: Iterable<string>): Record<string, string[]> {
  const list = [...secrets]
  return Object.fromEntries(
    Object.entries(places).map(([place, text]) => [
      place,
      list.filter((s) => text.includes(s)).map((s) => `${s.slice(0, 4)}…`),
    ]),
  )
}
