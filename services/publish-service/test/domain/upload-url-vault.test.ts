import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { runMigrations } from '@social-bridge/service-kit'
import { createTestDatabase } from '@social-bridge/service-kit/testing'
import postgres from 'postgres'
import t from 'tap'
import { createUploadUrlVault } from '../../src/domain/upload-url-vault.js'

const SECRET = 'publish-test-internal-secret-32-bytes!!'
const URL_ = 'https://open-upload.tiktokapis.com/video/?upload_id=67890&upload_token=Xza123'
const binding = { postId: '0b9c7e53-4c1b-4d71-9bb7-1c9b3b1f4d11', publishId: 'v_pub_file~v2-1.123' }

t.test('a sealed upload URL shows nothing of the URL and opens only for its own post and key', async (t) => {
  const vault = createUploadUrlVault(SECRET)
  const sealed = await vault.seal(URL_, binding)
  t.notMatch(sealed, /Xza123|upload_token|67890|tiktokapis/, 'nothing of the URL in clear')
  t.not(await vault.seal(URL_, binding), sealed, 'a fresh IV each time')
  t.equal(await vault.open(sealed, binding), URL_)
  t.equal(
    await createUploadUrlVault(SECRET).open(sealed, binding),
    URL_,
    'another replica with the same secret',
  )
  t.equal(
    await vault.open(sealed, { ...binding, postId: 'a1b2c3d4-4c1b-4d71-9bb7-1c9b3b1f4d11' }),
    null,
    'another post',
  )
  t.equal(await vault.open(sealed, { ...binding, publishId: 'v_pub_file~v2-1.999' }), null, 'another publish')
  t.equal(await createUploadUrlVault(`${SECRET}x`).open(sealed, binding), null, 'another INTERNAL_JWT_SECRET')
  const [h, k, iv, ct, tag] = sealed.split('.')
  const flipped = `${ct!.slice(0, -2)}${ct!.endsWith('A') ? 'B' : 'A'}${ct!.slice(-1)}`
  t.equal(await vault.open([h, k, iv, flipped, tag].join('.'), binding), null, 'altered ciphertext')
  t.equal(await vault.open(URL_, binding), null, 'a URL stored in clear is not accepted as sealed')
})

t.test('migration 0003 drops the upload URLs stored in clear', async (t) => {
  const url = await createTestDatabase(t)
  const full = fileURLToPath(new URL('../../drizzle', import.meta.url))
  // the migrations as they stood before 0003
  const before = await mkdtemp(path.join(tmpdir(), 'publish-drizzle-'))
  t.teardown(() => rm(before, { recursive: true, force: true }))
  await cp(full, before, { recursive: true })
  const journalFile = path.join(before, 'meta', '_journal.json')
  const journal = JSON.parse(await readFile(journalFile, 'utf8')) as { entries: { tag: string }[] }
  journal.entries = journal.entries.filter((e) => e.tag < '0003')
  await writeFile(journalFile, JSON.stringify(journal))
  await runMigrations({ connectionString: url, schema: 'publish', migrationsFolder: before })

  const sql = postgres(url, { max: 1, onnotice: () => {} })
  t.teardown(() => sql.end())
  await sql`
    insert into publish.posts (id, tenant_id, connection_id, created_by, mode, source, options, status,
      phase, publish_id, upload_url, upload_url_expires_at)
    values (${binding.postId}, 't', ${binding.postId}, 'u', 'direct', 'FILE_UPLOAD', '{}', 'uploading',
      'upload', ${binding.publishId}, ${URL_}, now() + interval '1 hour')`
  await runMigrations({ connectionString: url, schema: 'publish', migrationsFolder: full })
  const [row] = await sql<{ text: string; sealed: string | null }[]>`
    select p::text as text, upload_url_sealed as sealed from publish.posts p`
  t.notMatch(row?.text, /Xza123|upload_token/, 'no clear upload URL left in the row')
  t.equal(row?.sealed, null, 'the worker finds no URL to open and starts over (crash-resume test)')
})
