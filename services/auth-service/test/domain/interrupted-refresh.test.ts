import t, { type Test } from 'tap'
import { connectionRow, expireStoredAccessToken } from '../db.js'
import { waitUntil } from '../helper.js'
import { tokenSetup } from './token-setup.js'

// A refresh whose outcome never commits after TikTok answered it (the process killed in between;
// here its transaction fails, which rolls back the same writes): TikTok rotated the refresh token
// on that call and refuses the stored one (REFERENCE §0, the sandbox's default `invalidate`).
// The call was journaled before it was sent, so the next refresh says what happened.
// (auth-service README, "Interrupted refreshes".)

const setup = (t: Test) => tokenSetup(t, { service: 'publish-service', collectEvents: true })

/** Makes the commit of a successful refresh fail, as a process dying before it would. */
async function failRefreshCommits(app: Awaited<ReturnType<typeof setup>>['app']) {
  await app.sql`create function auth.lose_refresh() returns trigger language plpgsql as $$
    begin raise exception 'refresh lost before its commit'; end $$`
  await app.sql`create trigger lose_refresh before insert on auth.refresh_attempts for each row
    when (new.outcome = 'refreshed') execute function auth.lose_refresh()`
  return () => app.sql`drop trigger lose_refresh on auth.refresh_attempts`
}

t.test(
  'a refresh lost after TikTok rotated the token turns reauth_required as refresh_interrupted',
  async (t) => {
    const { app, events, connectionId, getToken, attempts, tokenCalls } = await setup(t)
    await expireStoredAccessToken(app, connectionId)
    const restore = await failRefreshCommits(app)
    const lost = await getToken()
    t.equal(lost.statusCode, 500, 'the refresh whose commit failed is not answered a token')
    t.equal(tokenCalls(), 2, 'TikTok answered the refresh (connect + refresh)')
    t.same(await attempts(), ['in_flight'], 'the call stays journaled: its outcome never committed')
    await restore()

    const res = await getToken()
    t.equal(res.statusCode, 409)
    t.equal(res.json().error.code, 'REAUTH_REQUIRED')
    t.equal((await connectionRow(app, connectionId))?.status, 'reauth_required')
    t.same(
      await attempts(),
      ['interrupted', 'reauth_required:refresh_interrupted'],
      'the lost call is named, and the reason says the refresh token was rotated on it',
    )
    t.ok(
      await waitUntil(() =>
        events.events.some(
          (e) =>
            e.subject === 'social.connection.reauth_required' &&
            JSON.parse(e.body).data.reason === 'refresh_interrupted',
        ),
      ),
      'the CRM is told why the user must reconnect',
    )
  },
)

t.test('a call left in flight that TikTok never processed is closed by the next refresh', async (t) => {
  const { app, connectionId, getToken, attempts } = await setup(t)
  // As a replica killed while TikTok held its call unanswered (the sandbox's `timeout` fault).
  await app.sql`insert into auth.refresh_attempts (connection_id, trigger, outcome, tiktok_calls)
    values (${connectionId}, 'scheduler', 'in_flight', 1)`
  await expireStoredAccessToken(app, connectionId)
  const res = await getToken()
  t.equal(res.statusCode, 200, 'the stored refresh token still works: refreshed')
  t.same(await attempts(), ['interrupted', 'refreshed'])
  t.equal((await connectionRow(app, connectionId))?.status, 'active')
})
