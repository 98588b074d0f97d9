import { mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { buildElements } from './build.js'
import { DIST_DIR, PACKAGE_DIR } from './paths.js'

const STAMP = join(DIST_DIR, '.built')
const LOCK = join(PACKAGE_DIR, '.build.lock')
const INPUTS = ['src', 'console', 'build', 'package.json']

function newest(path: string): number {
  const s = statSync(path)
  if (!s.isDirectory()) return s.mtimeMs
  return Math.max(s.mtimeMs, ...readdirSync(path).map((f) => newest(join(path, f))))
}

function fresh(): boolean {
  try {
    return statSync(STAMP).mtimeMs >= Math.max(...INPUTS.map((p) => newest(join(PACKAGE_DIR, p))))
  } catch {
    return false
  }
}

/**
 * Builds the elements and the console when `dist/` is missing or older than any source (so a
 * fresh clone needs no build command: `pnpm start` and the tests call this). One build at a
 * time across processes (a lock folder; a lock older than 5 min is taken as abandoned).
 * Returns true when it built.
 */
export async function ensureElementsBuilt(): Promise<boolean> {
  for (;;) {
    if (fresh()) return false
    try {
      mkdirSync(LOCK)
      break
    } catch {
      if (Date.now() - statSync(LOCK, { throwIfNoEntry: false })!.mtimeMs > 300_000)
        rmSync(LOCK, { recursive: true, force: true })
      await sleep(500)
    }
  }
  try {
    if (fresh()) return false
    await buildElements()
    writeFileSync(STAMP, new Date().toISOString())
    return true
  } finally {
    rmSync(LOCK, { recursive: true, force: true })
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await ensureElementsBuilt()
