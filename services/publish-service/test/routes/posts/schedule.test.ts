import t from 'tap'
import { asUser, buildStack, media, uploadMedia } from '../../helper.js'
import { changePost, inMs, schedulePost } from '../../schedule-steps.js'

const DAY_MS = 86_400_000

t.test('scheduling through the API (no worker runs: nothing starts)', async (t) => {
  const stack = await buildStack(t, { worker: false })
  const { connectionId } = await stack.connect()
  const mediaId = (await uploadMedia(stack.app, media('clip-8s-vertical.webm'), 'video/webm')).json()
    .id as string
  const source = { mediaId }

  t.test('scheduledAt in the past or more than 120 days ahead answers 422 and stores nothing', async (t) => {
    for (const at of [inMs(-60_000), inMs(121 * DAY_MS)]) {
      const res = await schedulePost(stack.app, connectionId, source, at)
      t.equal(res.statusCode, 422, at)
      t.equal(res.json().error.code, 'SCHEDULED_AT_OUT_OF_RANGE')
    }
    const rows = await stack.app.sql`select count(*)::int as n from publish.posts`
    t.equal(rows[0]?.n, 0)
  })

  t.test(
    'a scheduled post is `scheduled`, due at its time, and its answer checks the caps then',
    async (t) => {
      const at = inMs(30 * DAY_MS)
      const res = await schedulePost(stack.app, connectionId, source, at)
      t.equal(res.statusCode, 202)
      const post = res.json()
      t.equal(post.status, 'scheduled')
      t.equal(post.scheduledAt, new Date(at).toISOString())
      t.equal(post.capacity.fits, true)
      t.same(
        post.capacity.checks.map((c: { limit: string; planned: number }) => [c.limit, c.planned]),
        [
          ['init_per_minute', 0],
          ['direct_posts_per_day', 0],
        ],
      )
      const row = await stack.app.publish.posts.getById(post.id)
      t.equal(row?.nextRunAt?.toISOString(), new Date(at).toISOString(), 'the job is due at that time')
      const history = await stack.app.publish.posts.history(post.id)
      t.same(
        history.map((h) => h.toStatus),
        ['scheduled'],
      )
    },
  )

  t.test('the 7th post in the same minute is told the 6 inits/min cap leaves no room then', async (t) => {
    const at = inMs(40 * DAY_MS)
    const answers = []
    for (let i = 0; i < 7; i++) answers.push((await schedulePost(stack.app, connectionId, source, at)).json())
    t.same(
      answers.map((a) => a.capacity.fits),
      [true, true, true, true, true, true, false],
    )
    const last = answers[6].capacity.checks.find((c: { limit: string }) => c.limit === 'init_per_minute')
    t.same(last, { limit: 'init_per_minute', max: 6, planned: 6, fits: false })
    t.equal(answers[6].status, 'scheduled', 'it is scheduled anyway: it will wait, not fail')
  })

  t.test('PATCH changes a scheduled post and its time; cancel ends it; then both answer 409', async (t) => {
    const created = (await schedulePost(stack.app, connectionId, source, inMs(10 * DAY_MS))).json()
    const later = inMs(11 * DAY_MS)
    const patched = await changePost(stack.app, created.id, {
      scheduledAt: later,
      title: 'new caption',
      privacyLevel: 'MUTUAL_FOLLOW_FRIENDS',
    })
    t.equal(patched.statusCode, 200, patched.body)
    t.equal(patched.json().title, 'new caption')
    t.equal(patched.json().privacyLevel, 'MUTUAL_FOLLOW_FRIENDS')
    t.equal(patched.json().scheduledAt, new Date(later).toISOString())
    t.ok(patched.json().capacity, 'the answer checks the caps at the new time')
    const row = await stack.app.publish.posts.getById(created.id)
    t.equal(row?.nextRunAt?.toISOString(), new Date(later).toISOString(), 'the job moved with it')

    const badLevel = await changePost(stack.app, created.id, { privacyLevel: 'FOLLOWER_OF_CREATOR' })
    t.equal(badLevel.statusCode, 422, 'the live creator_info checks apply to an edit')
    t.equal(badLevel.json().error.code, 'PRIVACY_LEVEL_NOT_ALLOWED')

    const other = { tenantId: 'tenant-b', userId: 'u-b', roles: ['admin'] }
    t.equal(
      (await changePost(stack.app, created.id, 'cancel', other)).statusCode,
      404,
      "another tenant's post",
    )

    const cancelled = await changePost(stack.app, created.id, 'cancel')
    t.equal(cancelled.statusCode, 200)
    t.equal(cancelled.json().status, 'cancelled')
    const after = await stack.app.publish.posts.getById(created.id)
    t.equal(after?.nextRunAt, null, 'never run')
    for (const body of [{ title: 'again' }, 'cancel'] as const) {
      const res = await changePost(stack.app, created.id, body)
      t.equal(res.statusCode, 409)
      t.equal(res.json().error.code, 'POST_NOT_SCHEDULED')
    }
    const events = await stack.app.sql<{ subject: string; data: { from: string; to: string } }[]>`
      select subject, envelope->'data' as data from publish.outbox where aggregate_id = ${created.id} order by seq`
    t.match(events.at(-1), {
      subject: 'social.post.status_changed',
      data: { from: 'scheduled', to: 'cancelled' },
    })
  })

  t.test('a post a worker has claimed can no longer be changed', async (t) => {
    const created = (await schedulePost(stack.app, connectionId, source, inMs(12 * DAY_MS))).json()
    await stack.app.sql`update publish.posts set lease_owner = 'w', lease_until = now() + interval '1 minute'
      where id = ${created.id}`
    const res = await changePost(stack.app, created.id, 'cancel')
    t.equal(res.statusCode, 409)
  })

  t.test(
    'GET /posts?from=&to= lists a calendar range, earliest first, with status and connection',
    async (t) => {
      const base = 60 * DAY_MS
      const ids: string[] = []
      for (const offset of [2, 0, 1]) {
        const res = await schedulePost(stack.app, connectionId, source, inMs(base + offset * 3600_000))
        ids[offset] = res.json().id
      }
      await schedulePost(stack.app, connectionId, source, inMs(base + 5 * DAY_MS)) // outside the range
      const q = new URLSearchParams({ from: inMs(base - 60_000), to: inMs(base + DAY_MS), limit: '2' })
      const page1 = await stack.app.inject({ url: `/posts?${q}`, headers: await asUser() })
      t.equal(page1.statusCode, 200, page1.body)
      t.same(
        page1.json().items.map((p: { id: string }) => p.id),
        ids.slice(0, 2),
      )
      const next = new URLSearchParams({ ...Object.fromEntries(q), cursor: page1.json().nextCursor })
      const page2 = await stack.app.inject({ url: `/posts?${next}`, headers: await asUser() })
      t.same(
        page2.json().items.map((p: { id: string }) => p.id),
        ids.slice(2),
      )
      t.equal(page2.json().nextCursor, null)
      const filtered = new URLSearchParams({ ...Object.fromEntries(q), status: 'published', connectionId })
      const none = await stack.app.inject({ url: `/posts?${filtered}`, headers: await asUser() })
      t.same(none.json().items, [])
    },
  )
})
