import t from 'tap'
import { request } from 'undici'
import { addIgComment, seedPublishedReel } from '../src/index.js'
import { build } from './helper.js'

const SCOPES = ['instagram_business_basic', 'instagram_business_manage_comments']

const get = (url: string) =>
  // biome-ignore lint/suspicious/noExplicitAny: Graph's JSON in tests
  request(url).then(async (r) => ({ status: r.statusCode, body: (await r.body.json()) as any }))

t.test(
  'the comments endpoint pages a media’s comments newest first with Graph cursors and the asked fields',
  async (t) => {
    const sandbox = await build(t)
    const ig = sandbox.instagram
    const account = ig.addAccount()
    const media = seedPublishedReel(ig.store, account.igUserId)
    const token = ig.store.issueToken(account.igUserId, 'long', SCOPES).token
    const made = Array.from({ length: 5 }, (_, i) =>
      addIgComment(ig, {
        mediaId: media.id,
        text: `c${i}`,
        username: `u${i}`,
        likeCount: i,
        timestamp: ig.store.clock.now() - (5 - i) * 60_000,
        notify: false,
      }),
    )
    addIgComment(ig, { mediaId: media.id, parentId: made[0]!.id, text: 'a reply', notify: false })

    const url = `${sandbox.url}/instagram/graph/${media.id}/comments?fields=id,text,timestamp,username,like_count&limit=2&access_token=${token}`
    const first = await get(url)
    t.equal(first.status, 200)
    t.same(
      first.body.data.map((c: { text: string }) => c.text),
      ['c4', 'c3'],
      'newest first, top-level only',
    )
    t.same(Object.keys(first.body.data[0]).sort(), ['id', 'like_count', 'text', 'timestamp', 'username'])
    t.match(
      first.body.data[0].timestamp,
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0000$/,
      "Graph's timestamp format",
    )
    t.type(first.body.paging.next, 'string')
    const seen = [...first.body.data]
    let next: string | undefined = first.body.paging.next
    while (next) {
      const page = await get(next)
      t.equal(page.status, 200)
      seen.push(...page.body.data)
      next = page.body.paging?.next
    }
    t.same(
      seen.map((c) => c.text),
      ['c4', 'c3', 'c2', 'c1', 'c0'],
      'every comment once across the pages',
    )
    const defaults = await get(`${sandbox.url}/instagram/graph/${media.id}/comments?access_token=${token}`)
    t.same(Object.keys(defaults.body.data[0]).sort(), ['id', 'text', 'timestamp'], 'Graph’s default fields')
  },
)

t.test(
  'the comments endpoint refuses another account’s media, a token without the permission, and a bad cursor',
  async (t) => {
    const sandbox = await build(t)
    const ig = sandbox.instagram
    const owner = ig.addAccount()
    const other = ig.addAccount()
    const media = seedPublishedReel(ig.store, owner.igUserId)
    const otherToken = ig.store.issueToken(other.igUserId, 'long', SCOPES).token
    const basicOnly = ig.store.issueToken(owner.igUserId, 'long', ['instagram_business_basic']).token
    const token = ig.store.issueToken(owner.igUserId, 'long', SCOPES).token
    const path = `${sandbox.url}/instagram/graph/${media.id}/comments`

    const foreign = await get(`${path}?access_token=${otherToken}`)
    t.equal(foreign.status, 400)
    t.match(foreign.body.error, { code: 100, error_subcode: 33 })
    const unpermitted = await get(`${path}?access_token=${basicOnly}`)
    t.equal(unpermitted.status, 403)
    t.equal(unpermitted.body.error.code, 10)
    const badCursor = await get(`${path}?after=nope&access_token=${token}`)
    t.equal(badCursor.status, 400)
    t.equal(badCursor.body.error.code, 100)
    const noToken = await get(path)
    t.equal(noToken.body.error.code, 190)
  },
)
