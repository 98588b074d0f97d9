import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import { sampleMediaDir, type Teardownable } from '@social-bridge/service-kit/testing'
import { createSandbox, igMediaSettings } from '@social-bridge/tiktok-sandbox'
import t from 'tap'
import {
  createInstagramClient,
  InstagramGraphError,
  isContainerNotReadyError,
  isPublishingLimitError,
} from '../src/index.js'

const PUBLIC = 'https://media.social-bridge.test/reels/'
const SCOPES = ['instagram_business_basic', 'instagram_business_content_publish']

/** A local origin serving the testing kit's sample videos (the emulator reaches PUBLIC through it). */
async function serveSamples(t: Teardownable): Promise<string> {
  const dir = await sampleMediaDir()
  const server = createServer(async (req, res) => {
    const file = path.join(dir, path.basename(req.url ?? ''))
    try {
      const { size } = await stat(file)
      res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': size })
      createReadStream(file).pipe(res)
    } catch {
      res.writeHead(404).end()
    }
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise((r) => server.close(r)))
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`
}

t.test('Reels publishing against the emulator', async (t) => {
  const sandbox = await createSandbox()
  t.teardown(() => sandbox.close())
  sandbox.updateSettings({ pullUrlRewrites: { [PUBLIC]: await serveSamples(t) } })
  igMediaSettings(sandbox.instagram.store).processingDelayMs = 10
  const ig = sandbox.instagram
  const account = ig.addAccount()
  const token = ig.store.issueToken(account.igUserId, 'long', SCOPES).token
  const client = createInstagramClient({
    appId: 'sbx_ig_app_id',
    appSecret: 'sbx_ig_app_secret',
    graphBaseUrl: `${sandbox.url}/instagram/graph`,
  })
  t.teardown(() => client.close())
  const p = client.publishing
  const settle = async (containerId: string) => {
    for (let i = 0; i < 400; i++) {
      const s = await p.containerStatus(token, containerId)
      if (s.statusCode !== 'IN_PROGRESS') return s
      await new Promise((r) => setTimeout(r, 25))
    }
    throw new Error('container still IN_PROGRESS')
  }
  const reel = (name = 'clip-15s-vertical.mp4') =>
    p.createReelContainer(token, account.igUserId, {
      videoUrl: `${PUBLIC}${name}`,
      caption: 'hi',
      shareToFeed: false,
      thumbOffsetMs: 500,
    })

  t.test(
    'a container of a usable video goes IN_PROGRESS → FINISHED, publishes once, then is PUBLISHED',
    async (t) => {
      const { containerId } = await reel()
      t.match(containerId, /^\d{17}$/)
      t.equal((await p.containerStatus(token, containerId)).statusCode, 'IN_PROGRESS')
      await t.rejects(
        p.publishContainer(token, account.igUserId, containerId),
        { code: 9007 },
        'not ready yet',
      )
      t.equal((await settle(containerId)).statusCode, 'FINISHED')
      const { mediaId } = await p.publishContainer(token, account.igUserId, containerId)
      t.equal(ig.store.media.get(mediaId)?.caption, 'hi')
      t.same(ig.store.containers.get(containerId)?.params, {
        media_type: 'REELS',
        video_url: `${PUBLIC}clip-15s-vertical.mp4`,
        caption: 'hi',
        share_to_feed: 'false',
        thumb_offset: '500',
      })
      t.equal((await p.containerStatus(token, containerId)).statusCode, 'PUBLISHED')
      const again = await p.publishContainer(token, account.igUserId, containerId).catch((e: unknown) => e)
      t.ok(again instanceof InstagramGraphError, 'a second publish is refused')
      t.match(again, { code: 24, subcode: 2207008, category: 'failed' })
    },
  )

  t.test('an IN_PROGRESS container answers 9007/2207027 to media_publish', async (t) => {
    igMediaSettings(ig.store).processingDelayMs = 5000
    t.teardown(() => {
      igMediaSettings(ig.store).processingDelayMs = 10
    })
    const { containerId } = await reel()
    const err = await p.publishContainer(token, account.igUserId, containerId).catch((e: unknown) => e)
    t.ok(isContainerNotReadyError(err))
  })

  t.test('media Instagram cannot use ends in ERROR with its subcode', async (t) => {
    const missing = await settle((await reel('nothing-here.mp4')).containerId)
    t.match(missing, { statusCode: 'ERROR', errorSubcode: 2207052 }, 'video_url not reachable')
    const webm = await settle((await reel('clip-8s-vertical.webm')).containerId)
    t.match(webm, { statusCode: 'ERROR', errorSubcode: 2207026 }, 'WebM/VP9 is not a Reel')
    sandbox.injectFault({ endpoint: 'ig.container.processing', kind: 'error', code: '2207001' })
    const faulted = await settle((await reel()).containerId)
    t.match(faulted, { statusCode: 'ERROR', errorSubcode: 2207001 }, 'an injected processing fault')
  })

  t.test(
    'a container not published within 24 h of virtual time is EXPIRED and cannot be published',
    async (t) => {
      const { containerId } = await reel()
      t.equal((await settle(containerId)).statusCode, 'FINISHED')
      sandbox.advanceClock(24 * 3600_000)
      t.equal((await p.containerStatus(token, containerId)).statusCode, 'EXPIRED')
      const err = await p.publishContainer(token, account.igUserId, containerId).catch((e: unknown) => e)
      t.match(err, { code: -2, subcode: 2207020 })
    },
  )

  t.test('the publishing limit holds over a moving window and is read live', async (t) => {
    sandbox.advanceClock(24 * 3600_000) // earlier publishes leave the window
    ig.settings.publishingQuotaTotal = 2
    ig.settings.publishingQuotaDurationSec = 3600
    t.same(await p.publishingLimit(token, account.igUserId), {
      quotaUsage: 0,
      quotaTotal: 2,
      quotaDurationSec: 3600,
    })
    const ready = [] as string[]
    for (let i = 0; i < 3; i++) {
      const { containerId } = await reel()
      await settle(containerId)
      ready.push(containerId)
    }
    await p.publishContainer(token, account.igUserId, ready[0]!)
    sandbox.advanceClock(1800_000)
    await p.publishContainer(token, account.igUserId, ready[1]!)
    t.equal((await p.publishingLimit(token, account.igUserId)).quotaUsage, 2)
    const err = await p.publishContainer(token, account.igUserId, ready[2]!).catch((e: unknown) => e)
    t.ok(isPublishingLimitError(err), '9/2207042 at the limit')
    sandbox.advanceClock(1801_000) // the first publish leaves the moving hour, the second stays
    t.equal((await p.publishingLimit(token, account.igUserId)).quotaUsage, 1)
    t.ok((await p.publishContainer(token, account.igUserId, ready[2]!)).mediaId)
  })

  t.test('a transient 5xx is retryable and no error message carries the token', async (t) => {
    sandbox.injectFault({ endpoint: 'ig.media.create', kind: 'internal_error', status: 503 })
    const err = await reel().catch((e: unknown) => e)
    t.match(err, { category: 'retryable', httpStatus: 503 })
    t.notOk(String((err as Error).message).includes(token))
    t.notOk(JSON.stringify(err).includes(token))
    const bad = await p.containerStatus('IGAAnot-a-token', '1').catch((e: unknown) => e)
    t.match(bad, { code: 190, category: 'grant_invalid' })
  })
})
