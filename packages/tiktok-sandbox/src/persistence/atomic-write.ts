import { mkdir, open, rename, rm } from 'node:fs/promises'
import { dirname } from 'node:path'

let sequence = 0

/**
 * Replaces `file` with `text` atomically: writes and fsyncs `<file>.<pid>.<n>.tmp` beside it
 * (mode 0600: the state holds tokens), then renames it over `file`, so a reader or a crash sees
 * the old or the new content, never a part. Creates the folder. Throws the fs error; the temp
 * file is removed on failure.
 */
export async function writeFileAtomic(file: string, text: string): Promise<void> {
  await mkdir(dirname(file), { recursive: true })
  const tmp = `${file}.${process.pid}.${++sequence}.tmp`
  try {
    const handle = await open(tmp, 'w', 0o600)
    try {
      await handle.writeFile(text, 'utf8')
      await handle.sync()
    } finally {
      await handle.close()
    }
    await rename(tmp, file)
  } catch (err) {
    await rm(tmp, { force: true })
    throw err
  }
}
