/**
 * Child process of media.test.ts: `make-clip.ts <cacheDir> <recipe JSON>` prints the clip's path
 * and its size in bytes at the moment ensureClip returned it.
 */
import { stat } from 'node:fs/promises'
import { ensureClip } from '../../src/testing/index.js'

const [cacheDir, recipe] = process.argv.slice(2)
const file = await ensureClip(JSON.parse(recipe!), cacheDir)
process.stdout.write(`${JSON.stringify({ file, size: (await stat(file)).size })}\n`)
