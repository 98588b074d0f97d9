import { readdir, readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import t from 'tap'
import { createSandbox, type Sandbox, type SandboxOptions } from '../src/index.js'
import { api, build, connectUser, media, postForm, waitFor } from './helper.js'
import { directInit, directPost, fileSource, finalStatus, statusOf } from './publish-helper.js'
import { receiver } from './webhook-receiver.js'

const CLIP15 = await media('clip-15s-vertical.mp4')
const SCOPES = ['user.info.basic', 'video.publish', 'video.list']

/** A sandbox on `file` (closed at teardown too; closing twice is harmless). */
const onFile = (t: Parameters<typeof build>[0], file: string, options: SandboxOptions = {}) =>
  build(t, { stateFile: file, ...options })

const refresh = (sandbox: Sandbox, token: string) =>
  postForm(`${sandbox.url}/v2/oauth/token/`, {
    client_key: sandbox.clientKey,
    client_secret: 'sbx_client_secret',
    grant_type: 'refresh_token',
    refresh_token: token,
  })

t.test(
  'a sandbox restarted on its state file accepts the old tokens, keeps the refresh rotation and the 19-digit post id',
  async (t) => {
    const file = path.join(t.testdir(), 'state.json')
    const first = await onFile(t, file)
    const { accessToken, refreshToken } = await connectUser(first, SCOPES)
    const rotated = (await refresh(first, refreshToken)).json?.refresh_token as string
    const { publishId } = await directPost(first, accessToken, CLIP15)
    const postId = await waitFor(() => first.getPublish(publishId)?.postIds[0])
    t.match(postId, /^\d{19}$/)
    await first.close()

    const second = await onFile(t, file)
    const info = await api(second, 'GET', '/v2/user/info/?fields=open_id', accessToken)
    t.equal(info.status, 200, 'the access token issued before the restart still works')
    t.equal((await refresh(second, refreshToken)).json?.error, 'invalid_grant')
    t.equal(second.requestLog().at(-1)?.refreshToken, 'stale', 'the rotated refresh token is known as stale')
    t.match((await refresh(second, rotated)).json?.access_token, /^act\./, 'the current one refreshes')

    const query = await api(second, 'POST', '/v2/video/query/?fields=id,title', accessToken, {
      filters: { video_ids: [postId] },
    })
    t.same(query.json.data.videos, [{ id: postId, title: 'hello #sandbox' }])
    const status = await statusOf(second, accessToken, publishId)
    t.ok(
      status.text.includes(`"publicaly_available_post_id":[${postId}]`),
      'status/fetch still holds the exact digits as a number',
    )
  },
)

t.test('the virtual clock resumes its offset after a restart', async (t) => {
  const file = path.join(t.testdir(), 'state.json')
  const first = await onFile(t, file)
  const advanced = first.advanceClock(30 * 86400_000)
  await first.close()
  const second = await onFile(t, file)
  t.ok(second.now() >= advanced, 'virtual time does not jump back to wall time')
})

t.test('seed users are created on the first start only', async (t) => {
  const file = path.join(t.testdir(), 'state.json')
  const seeds = [{ openId: 'demo-creator', displayName: 'Demo Creator' }, { displayName: 'No fixed id' }]
  const first = await onFile(t, file, { users: seeds })
  const ids = first.listUsers().map((u) => u.openId)
  await first.close()
  const second = await onFile(t, file, { users: [...seeds, { openId: 'added-later' }] })
  t.same(
    second.listUsers().map((u) => u.openId),
    [...ids, 'added-later'],
    'no duplicate, no error; a seed with a new open_id is added',
  )
})

t.test('a restart fails an unfinished upload and still gives a completed public post its id', async (t) => {
  const file = path.join(t.testdir(), 'state.json')
  const first = await onFile(t, file, { settings: { publiclyAvailableDelayMs: 3600_000 } })
  const { accessToken } = await connectUser(first, SCOPES)
  const { publishId } = await directPost(first, accessToken, CLIP15)
  await finalStatus(first, accessToken, publishId, ['PUBLISH_COMPLETE'])
  const init = await directInit(first, accessToken, fileSource(1000, 1000, 1))
  const unfinished = init.json.data.publish_id as string
  t.same(first.getPublish(publishId)?.postIds, [], 'no post id before the restart')
  await first.close()

  const second = await onFile(t, file)
  const failed = await statusOf(second, accessToken, unfinished)
  t.match(failed.json.data, { status: 'FAILED', fail_reason: 'internal' })
  t.match(
    second.webhookDeliveries().map((d) => d.content),
    [{ publish_id: unfinished, reason: 'internal' }],
  )
  const postId = await waitFor(() => second.getPublish(publishId)?.postIds[0])
  t.match(postId, /^\d{19}$/)
})

t.test('a webhook still pending at close is retried by the next sandbox on the file', async (t) => {
  const file = path.join(t.testdir(), 'state.json')
  const hook = await receiver(t, [500])
  const options = { webhookUrl: hook.url, settings: { webhookRetryBaseDelayMs: 3600_000 } }
  const first = await onFile(t, file, options)
  first.revokeAuthorization(first.addUser().openId, { reason: 2 })
  await waitFor(() => first.webhookDeliveries()[0]?.attempts[0]?.retryAt)
  await first.close()

  const second = await onFile(t, file, options)
  t.equal(second.webhookDeliveries()[0]?.state, 'pending')
  second.advanceClock(3600_000)
  await waitFor(() => second.webhookDeliveries()[0]?.state === 'delivered')
  t.same(
    hook.received.map((r) => r.status),
    [500, 200],
  )
  t.equal(hook.received[1]?.raw, hook.received[0]?.raw, 'the same event body is sent again')
})

t.test('changes reach the state file without a close, through a rename', async (t) => {
  const dir = t.testdir()
  const file = path.join(dir, 'state.json')
  const sandbox = await onFile(t, file)
  sandbox.addUser({ openId: 'saved-while-running' })
  await waitFor(async () => (await readFile(file, 'utf8').catch(() => '')).includes('saved-while-running'))
  t.same(await readdir(dir), ['state.json'], 'no temp file is left behind')
})

t.test('a state file that is not JSON, of another version or client_key is refused', async (t) => {
  const dir = t.testdir()
  const file = path.join(dir, 'state.json')
  await (await onFile(t, file, { clientKey: 'ck_one' })).close()
  await t.rejects(createSandbox({ stateFile: file, clientKey: 'ck_two' }), /belongs to client_key ck_one/)
  await writeFile(file, '{"version": 99}')
  await t.rejects(createSandbox({ stateFile: file }), /version 99/)
  await writeFile(file, '{not json')
  await t.rejects(createSandbox({ stateFile: file }), /not valid JSON/)
})
