import { addIgComment, createSandbox, type IgMedia, type Sandbox } from '@social-bridge/tiktok-sandbox'
import t from 'tap'
import { createInstagramClient, InstagramGraphError } from '../src/index.js'

const sandbox: Sandbox = await createSandbox()
t.teardown(() => sandbox.close())
const client = createInstagramClient({
  appId: 'a',
  appSecret: 's',
  graphBaseUrl: `${sandbox.url}/instagram/graph`,
})
t.teardown(() => client.close())

/** A published Reel seeded in the emulator's store (publishing is another module). */
function reel(igUserId: string): IgMedia {
  const id = `180${Date.now()}${Math.floor(Math.random() * 1000)}`
  const media: IgMedia = {
    id,
    igUserId,
    containerId: `${id}1`,
    mediaType: 'VIDEO',
    mediaProductType: 'REELS',
    shortcode: 'C1',
    permalink: 'https://www.instagram.com/reel/C1/',
    timestamp: sandbox.now(),
  }
  sandbox.instagram.store.media.set(id, media)
  return media
}

t.test(
  'comments.list reads every page with the after cursor, timestamps as dates, like counts',
  async (t) => {
    const account = sandbox.instagram.addAccount()
    const token = sandbox.instagram.store.issueToken(account.igUserId, 'long', [
      'instagram_business_manage_comments',
    ]).token
    const media = reel(account.igUserId)
    const made = Array.from({ length: 7 }, (_, i) =>
      addIgComment(sandbox.instagram, {
        mediaId: media.id,
        text: `c${i}`,
        likeCount: i,
        timestamp: sandbox.now() - (10 - i) * 1000,
        notify: false,
      }),
    )
    const seen: { id: string; text?: string; likeCount?: number; timestamp: Date }[] = []
    let after: string | undefined
    let pages = 0
    do {
      const page = await client.comments.list(token, media.id, { after, limit: 3 })
      seen.push(...page.comments)
      after = page.after ?? undefined
      pages++
    } while (after)
    t.equal(pages, 3)
    t.same(
      seen.map((c) => c.id),
      made.map((c) => c.id).reverse(),
      'newest first, each once',
    )
    t.equal(seen[0]?.likeCount, 6)
    t.equal(
      seen[0]?.timestamp.getTime(),
      Math.floor(made[6]!.timestamp / 1000) * 1000,
      'Graph’s +0000 timestamp read as a Date',
    )
  },
)

t.test(
  'comments.list of a media the token may not see fails with category failed; a dead token grant_invalid',
  async (t) => {
    const owner = sandbox.instagram.addAccount()
    const other = sandbox.instagram.addAccount()
    const media = reel(owner.igUserId)
    const otherToken = sandbox.instagram.store.issueToken(other.igUserId, 'long', [
      'instagram_business_manage_comments',
    ]).token
    const err = await client.comments.list(otherToken, media.id).catch((e: unknown) => e)
    t.type(err, InstagramGraphError)
    t.equal((err as InstagramGraphError).category, 'failed')
    const dead = await client.comments.list('IGAAnot-a-token', media.id).catch((e: unknown) => e)
    t.equal((dead as InstagramGraphError).category, 'grant_invalid')
    t.notMatch(String((dead as Error).message), 'IGAAnot-a-token', 'the token is not in the message')
  },
)
