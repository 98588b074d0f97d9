import { readFile } from 'node:fs/promises'
import { isInteger, isSafeNumber, parse, stringify } from 'lossless-json'
import type { SandboxContext } from '../context.js'
import { createStateSaver, type StateSaver } from './saver.js'
import { STATE_VERSION, type StateSnapshot, takeSnapshot } from './snapshot.js'

/** JSON text of a snapshot; bigints (post ids) are written as exact JSON numbers. */
export function renderState(snapshot: StateSnapshot): string {
  return `${stringify(snapshot, undefined, 2)}\n`
}

/** Integers beyond 2^53 become bigints, every other number a JS number. */
const parseNumber = (text: string): number | bigint =>
  isInteger(text) && !isSafeNumber(text) ? BigInt(text) : Number(text)

/**
 * Reads a state file written by `renderState`. Returns undefined when the file does not exist.
 * Throws `Error` with the path when it is not JSON, has another `version`, or was written for
 * another `clientKey` (its tokens belong to another app).
 */
export async function readStateFile(file: string, clientKey: string): Promise<StateSnapshot | undefined> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw err
  }
  let state: StateSnapshot
  try {
    state = parse(text, null, parseNumber) as StateSnapshot
  } catch (err) {
    throw new Error(`State file ${file} is not valid JSON: ${(err as Error).message}`)
  }
  if (state?.version !== STATE_VERSION) {
    throw new Error(`State file ${file} has version ${state?.version}, expected ${STATE_VERSION}`)
  }
  if (state.clientKey !== clientKey) {
    throw new Error(
      `State file ${file} belongs to client_key ${state.clientKey}, not ${clientKey}: delete it or use another file`,
    )
  }
  for (const v of state.videos) v.id = BigInt(v.id)
  for (const p of state.publishes) p.postIds = p.postIds.map((id) => BigInt(id))
  return state
}

/**
 * A saver writing `ctx`'s snapshot to `file` `delayMs` after changes and on close. A failed
 * background save becomes a process warning; the next change tries again.
 */
export function createSandboxSaver(ctx: SandboxContext, file: string, delayMs: number): StateSaver {
  return createStateSaver({
    file,
    render: () => renderState(takeSnapshot(ctx)),
    delayMs,
    onError: (err) => process.emitWarning(`tiktok-sandbox: cannot save ${file}: ${err}`),
  })
}
