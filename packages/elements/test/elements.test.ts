import { statSync } from 'node:fs'
import type { Post, PostAnalytics } from '@social-bridge/contracts'
import { sampleClip } from '@social-bridge/service-kit/testing'
import { call, pollUntil, startTestStack } from '@social-bridge/stack'
import type { Locator, Page } from 'playwright-core'
import t from 'tap'
import { ensureElementsBuilt } from '../build/ensure-built.js'
import { launchBrowser, screenshots, seriousViolations } from './browser.js'

// One stack, one browser for the whole file: every journey of the elements in real chromium
// against the real services and the TikTok sandbox (issue 14, "Tests in a real browser").
t.setTimeout(600_000)
await ensureElementsBuilt()
const clip = await sampleClip('clip-15s-vertical.mp4')
const stack = await startTestStack(t)
const origin = stack.gateway.replace(/\/v1$/, '')
const admin = await stack.jwt({ roles: ['admin'] })
const marketer = await stack.jwt({ roles: ['social_marketing'], sub: 'marketer' })
await call('POST', `${stack.sandbox}/_sandbox/users`, {
  json: { openId: 'quiet-creator', displayName: 'Quiet Creator', commentDisabled: true },
})
const context = await launchBrowser(t)
const page = await context.newPage()

/** Opens the console on `view` as `token`'s user, as a fresh page load (not a fragment change). */
async function openConsole(view: string, token = admin): Promise<void> {
  await page.goto('about:blank')
  await page.goto(`${origin}/console/?view=${view}#token=${token}`)
}
const connections = page.locator('sb-connections')

/** Clicks "Connect TikTok" and, in the popup, `decide` on the sandbox's consent page. */
async function connectInPopup(decide: (popup: Page) => Promise<void>): Promise<Page> {
  const popupOpened = page.waitForEvent('popup')
  await connections.getByRole('button', { name: 'Connect TikTok' }).click()
  const popup = await popupOpened
  await popup.waitForURL(/\/v2\/auth\/authorize\//)
  const closed = popup.waitForEvent('close')
  await decide(popup)
  await closed
  return popup
}
const approveAs = (name: string) => (popup: Page) =>
  popup.locator('li', { hasText: name }).getByRole('button', { name: 'Authorize' }).click()

const attr = (l: Locator, name: string) => l.getAttribute(name)

t.test('connect through the sandbox consent page in a popup; the list shows the account', async (t) => {
  await openConsole('connections')
  t.equal(await attr(connections, 'data-state'), 'idle')
  const popup = await connectInPopup(approveAs('Demo Creator'))
  t.ok(popup.isClosed(), 'the popup closed itself')
  await page.locator('sb-connections[data-state="connected"]').waitFor()
  const item = connections.locator('li', { hasText: 'Demo Creator' })
  await item.waitFor()
  t.equal(await item.locator('[data-status]').getAttribute('data-status'), 'active')
  t.match(await connections.getByRole('status').first().textContent(), /Connected/)
  await connectInPopup(approveAs('Quiet Creator'))
  await connections.locator('li', { hasText: 'Quiet Creator' }).waitFor()
  t.match(await item.textContent(), /Posts you can start this minute: \d+ of 6/, 'the posting quota is shown')
  t.same(await seriousViolations(page, 'sb-connections'), [], 'axe: no serious or critical violation')
  t.ok((await screenshots(page, 'connections')).every((f) => statSync(f).size > 5000))
})

t.test('consent denied at TikTok shows the Error state with its message', async (t) => {
  await openConsole('connections')
  await connectInPopup((popup) => popup.getByRole('button', { name: 'Cancel' }).click())
  await page.locator('sb-connections[data-state="error"]').waitFor()
  t.match(await connections.getByRole('status').first().textContent(), /You cancelled at TikTok/)
})

let published: Post | undefined

t.test(
  'compose with a real MP4: blocked until privacy and consent; progress to 100 %; published with a link',
  async (t) => {
    await openConsole('composer')
    const composer = page.locator('sb-composer')
    await composer.locator('select[name="connection"]').selectOption({ label: 'Demo Creator' })
    await composer.locator('[data-nickname]', { hasText: 'Demo Creator' }).waitFor()
    const submit = composer.locator('button[type="submit"]')
    const why = composer.locator('#why')
    t.equal(await composer.locator('select[name="privacy"]').inputValue(), '', 'no default privacy level')
    for (const box of ['allowComment', 'allowDuet', 'allowStitch', 'disclose', 'consent'])
      t.notOk(await composer.locator(`input[name="${box}"]`).isChecked(), `${box} is off by default`)
    t.match(await composer.locator('[data-music]').textContent(), /Music Usage Confirmation/)

    await composer.locator('input[type="file"]').setInputFiles(clip)
    await composer.locator('video').waitFor()
    await page.waitForFunction(() => {
      const el = document.querySelector('sb-composer') as unknown as { durationSec?: number }
      return (el.durationSec ?? 0) > 0
    })
    t.ok(await submit.isDisabled(), 'blocked without a privacy level')
    t.match(await why.textContent(), /Choose who can view this video/)
    await composer.locator('select[name="privacy"]').selectOption('PUBLIC_TO_EVERYONE')
    t.ok(await submit.isDisabled(), 'blocked without consent')
    t.match(await why.textContent(), /consent/)
    await composer.locator('input[name="disclose"]').check()
    await composer.locator('input[name="brandedContent"]').check()
    t.ok(
      await composer.locator('option[value="SELF_ONLY"]').isDisabled(),
      'branded content cannot be "Only me"',
    )
    t.match(await composer.locator('[data-music]').textContent(), /Branded Content Policy/)
    await composer.locator('input[name="disclose"]').uncheck()
    await composer.locator('input[name="consent"]').check()
    t.notOk(await submit.isDisabled(), 'posting allowed after privacy and consent')
    t.same(await seriousViolations(page, 'sb-composer'), [], 'axe: no serious or critical violation')
    await screenshots(page, 'composer')

    await submit.click()
    const bar = composer.getByRole('progressbar')
    await bar.waitFor()
    await page.waitForFunction(() =>
      [document.querySelector('sb-composer')?.shadowRoot?.querySelector('[role=progressbar]')].some(
        (b) => b?.getAttribute('aria-valuenow') === '100',
      ),
    )
    t.equal(await bar.getAttribute('aria-valuenow'), '100', 'the progress bar reached 100 %')
    await composer.locator('[data-post-status="published"]').waitFor({ timeout: 120_000 })
    const link = composer.locator('a[data-post-link]')
    t.match(await link.getAttribute('href'), /^https?:\/\/.+/, 'a link to the TikTok post')
    await screenshots(page, 'composer-published')
    published = await page.evaluate(
      () => (document.querySelector('sb-composer') as unknown as { post: Post }).post,
    )
    t.equal(published?.status, 'published')
  },
)

t.test('a creator whose comments are disabled: "Allow comments" is disabled and explained', async (t) => {
  await openConsole('composer')
  const composer = page.locator('sb-composer')
  await composer.locator('select[name="connection"]').selectOption({ label: 'Quiet Creator' })
  await composer.locator('[data-nickname]', { hasText: 'Quiet Creator' }).waitFor()
  const comment = composer.locator('input[name="allowComment"]')
  t.ok(await comment.isDisabled(), 'comments cannot be allowed')
  t.notOk(await comment.isChecked())
  t.equal(await comment.getAttribute('aria-describedby'), 'allowComment-why')
  t.match(await composer.locator('#allowComment-why').textContent(), /turned off comments/)
  t.notOk(await composer.locator('input[name="allowDuet"]').isDisabled(), 'Duet is still possible')
})

t.test('a social_marketing user sees no Disconnect; an admin disconnects', async (t) => {
  await openConsole('connections', marketer)
  await connections.locator('li', { hasText: 'Quiet Creator' }).waitFor()
  t.equal(await connections.getByRole('button', { name: 'Disconnect' }).count(), 0)
  t.equal(await connections.getByRole('button', { name: 'Connect TikTok' }).count(), 1, 'but may connect')

  await openConsole('connections')
  const quiet = connections.locator('li', { hasText: 'Quiet Creator' })
  await quiet.getByRole('button', { name: 'Disconnect' }).click()
  t.match(await quiet.getByRole('alert').textContent(), /Disconnect Quiet Creator\?/, 'asks for confirmation')
  await quiet.getByRole('button', { name: 'Yes, disconnect' }).click()
  await quiet.locator('[data-status="disconnected"]').waitFor()
  t.ok(await quiet.getByRole('button', { name: 'Reconnect' }).isVisible(), 'offers to reconnect')
})

t.test('the dashboard shows the post analytics after a sync', async (t) => {
  if (!published) return t.fail('needs the published post of the compose test')
  const post = published
  await openConsole('dashboard')
  const dashboard = page.locator('sb-dashboard')
  await dashboard.locator(`tr[data-post="${post.id}"]`).waitFor()
  t.match(await dashboard.locator('[data-totals]').textContent(), /Published\s*1/)
  await dashboard.getByRole('button', { name: 'Sync now' }).click()
  await dashboard.getByRole('status').filter({ hasText: 'Sync queued' }).waitFor()
  await pollUntil(
    async () =>
      (await call<PostAnalytics>('GET', `${stack.gateway}/analytics/posts/${post.id}`, { token: admin }))
        .body,
    (a) => a.latest !== null,
    120_000,
  )
  await dashboard.getByRole('button', { name: 'Refresh' }).click()
  await dashboard.locator(`tr[data-post="${post.id}"]`).getByRole('button', { name: 'Analytics' }).click()
  const stats = dashboard.locator('[data-post-stats]')
  await stats.waitFor()
  t.match(await stats.textContent(), /Views \d+ · Likes \d+ · Comments \d+ · Shares \d+/)
  await dashboard.locator('sb-chart canvas').first().waitFor()
  t.ok((await dashboard.locator('sb-chart').count()) >= 1, 'history drawn as charts')
  t.same(await seriousViolations(page, 'sb-dashboard'), [], 'axe: no serious or critical violation')
  await screenshots(page, 'dashboard')

  // the account was just synced: "Sync now" on the connections screen shows the gateway's cooldown
  await openConsole('connections')
  const demo = connections.locator('li', { hasText: 'Demo Creator' })
  await demo.getByRole('button', { name: 'Sync now' }).click()
  const waiting = demo.getByRole('button', { name: /Sync again in \d+ s/ })
  await waiting.waitFor()
  t.ok(await waiting.isDisabled(), 'Sync now waits out the cooldown')
})

t.test('the language switches by attribute (Vietnamese, French)', async (t) => {
  await openConsole('connections')
  await connections.evaluate((el) => el.setAttribute('locale', 'vi'))
  await connections.getByRole('button', { name: 'Kết nối TikTok' }).waitFor()
  await connections.evaluate((el) => el.setAttribute('locale', 'fr'))
  await connections.getByRole('button', { name: 'Connecter TikTok' }).waitFor()
  t.pass('the connect button reads in Vietnamese, then French')
  await screenshots(page, 'connections-fr')
})
