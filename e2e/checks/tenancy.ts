import { call, connectThroughGateway, DEV_TIKTOK } from '@social-bridge/stack'
import type { Test } from 'tap'
import { CLIP_8_WEBM, type Journey } from '../journey-context.js'
import { lastSeq, sandboxRequestsSince } from '../sandbox-admin.js'

/** TikTok calls another tenant's request must never cause for the victim's account. */
const EFFECTS = ['oauth.revoke', 'creator_info', 'video.init', 'inbox.init']

/** Tenant scoping through the gateway: another tenant's ids answer 404, for reads and writes. */
export function tenancyChecks(t: Test, j: Journey): void {
  const { stack, connectionId } = j
  const gw = stack.gateway

  t.test("another tenant's ids answer 404 to reads and writes, and nothing changes", async (t) => {
    const post = await j.publishedPost()
    const media = await j.uploadMedia(CLIP_8_WEBM)
    t.equal(media.status, 201)
    const intruder = await stack.jwt({ tenant: 'other-tenant', sub: 'intruder' })
    // The intruder has an account of its own, so a foreign media id is the only thing wrong below.
    const theirs = await connectThroughGateway({
      gateway: gw,
      sandbox: stack.sandbox,
      token: intruder,
      openId: DEV_TIKTOK.users[1]?.openId ?? '',
    })
    t.equal(theirs.outcome, 'connected')

    const read = (path: string) => call('GET', `${gw}${path}`, { token: j.admin })
    // The token's state, not postingQuota (its last-minute window moves on by itself).
    const tokenState = async () => {
      const c = (await read(`/connections/${connectionId}`)).body
      return [c.status, c.lastRefreshedAt, c.accessTokenExpiresAt, c.refreshTokenExpiresAt]
    }
    const connectionBefore = await tokenState()
    const postsBefore = (await read('/posts?limit=100')).body.items.length
    const seq = await lastSeq(stack.sandbox)

    const attempts = [
      ['GET', `/connections/${connectionId}`],
      ['GET', `/connections/${connectionId}/creator-info`],
      ['POST', `/connections/${connectionId}/refresh`],
      ['DELETE', `/connections/${connectionId}`],
      ['GET', `/posts/${post.id}`],
      ['GET', `/analytics/posts/${post.id}`],
      ['GET', `/analytics/connections/${connectionId}`],
      ['POST', `/analytics/connections/${connectionId}/sync`],
    ] as const
    for (const [method, path] of attempts) {
      const res = await call(method, `${gw}${path}`, { token: intruder })
      t.equal(res.status, 404, `${method} ${path}`)
      t.equal(res.body?.error?.code, 'NOT_FOUND', `${method} ${path}`)
    }
    const onTheirAccount = await j.createPost(
      { mode: 'direct', source: { url: `${DEV_TIKTOK.verifiedPrefix}clip-15s-vertical.mp4` } },
      intruder,
    )
    t.equal(onTheirAccount.status, 404, "POST /posts on the victim's connection")
    const withTheirMedia = await j.createPost(
      { connectionId: theirs.connectionId, mode: 'direct', source: { mediaId: media.body.id } },
      intruder,
    )
    t.equal(withTheirMedia.status, 404, "POST /posts with the victim's media")

    const own = await call('GET', `${gw}/posts`, { token: intruder })
    t.same(own.body.items, [], 'the intruder has no posts')
    const filtered = await call('GET', `${gw}/posts?connectionId=${connectionId}`, { token: intruder })
    t.same(filtered.body.items, [], "filtering by the victim's connection shows nothing")
    const accounts = await call('GET', `${gw}/connections`, { token: intruder })
    t.same(
      accounts.body.items.map((c: { id: string }) => c.id),
      [theirs.connectionId],
      'the intruder sees only its own account',
    )

    t.same(await tokenState(), connectionBefore, 'the connection is neither disconnected nor refreshed')
    t.equal((await read('/posts?limit=100')).body.items.length, postsBefore, 'no post was added')
    const effects = (await sandboxRequestsSince(stack.sandbox, seq)).filter(
      (r) =>
        EFFECTS.includes(r.endpoint) || (r.endpoint === 'oauth.token' && r.grantType === 'refresh_token'),
    )
    t.same(effects, [], 'TikTok was not asked to revoke, refresh, read creator info or post')
  })
}
