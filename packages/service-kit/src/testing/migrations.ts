import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type MigrateOptions, runMigrations } from '../db/migrate.js'

/**
 * Applies a service's committed migrations up to and including the one tagged `tag` (e.g.
 * `0002_authorized_at`), from a copy of the folder whose journal stops there. A test then writes
 * rows in that older shape and runs `runMigrations` on the whole folder to check that the later
 * migrations keep them.
 * @throws Error when no migration has that tag; the database error of a failing migration.
 */
export async function runMigrationsUpTo(opts: MigrateOptions & { tag: string }): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'sb-migrations-'))
  try {
    cpSync(opts.migrationsFolder, dir, { recursive: true })
    const journalPath = join(dir, 'meta', '_journal.json')
    const journal = JSON.parse(readFileSync(journalPath, 'utf8')) as { entries: { tag: string }[] }
    const end = journal.entries.findIndex((e) => e.tag === opts.tag)
    if (end < 0) throw new Error(`no migration tagged ${opts.tag} in ${opts.migrationsFolder}`)
    journal.entries = journal.entries.slice(0, end + 1)
    writeFileSync(journalPath, JSON.stringify(journal))
    await runMigrations({ ...opts, migrationsFolder: dir })
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
