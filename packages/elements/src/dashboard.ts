import { msg, str } from '@lit/localize'
import type { Connection, ConnectionAnalytics, Post, PostAnalytics } from '@social-bridge/contracts'
import { css, html, nothing } from 'lit'
import { SbElement } from './base.js'
import type { ChartSeries } from './chart.js'
import { connectionStatusLabel, postStatusLabel } from './labels.js'

const PENDING: ReadonlySet<string> = new Set(['queued', 'uploading', 'processing', 'sent_to_inbox'])

const pct = (r: number | null | undefined) =>
  r === null || r === undefined ? '–' : `${(r * 100).toFixed(1)} %`
const line = (label: string, h: { measuredAt: string }[], pick: (s: never) => number): ChartSeries => ({
  label,
  points: h.map((s) => [Date.parse(s.measuredAt), pick(s as never)]),
})

/**
 * `<sb-dashboard>`: connection health, the latest posts with their status, totals of those posts
 * (all, pending, published, failed; over the latest 100), and analytics with history charts —
 * per account (followers, engagement rate) and per post (views, likes, comments, shares) — plus
 * quick actions: new post (event `sb-compose`), sync now, refresh. Attributes: `gateway`, `locale`.
 */
export class SbDashboard extends SbElement {
  static override properties = {
    ...SbElement.properties,
    connections: { state: true },
    posts: { state: true },
    account: { state: true },
    accountStats: { state: true },
    postId: { state: true },
    postStats: { state: true },
    note: { state: true },
  }
  static override styles = [
    ...SbElement.styles,
    css`
      .grid { display: grid; gap: 1rem; grid-template-columns: repeat(auto-fit, minmax(280px, 1fr)); }
      dl { display: grid; grid-template-columns: repeat(4, 1fr); gap: 0.5rem; margin: 0; }
      dl div { text-align: center; } dt { font-size: 0.85em; color: var(--muted); } dd { margin: 0; font-size: 1.4rem; font-weight: 600; }
      table { width: 100%; border-collapse: collapse; } th, td { text-align: left; padding: 0.3rem; border-bottom: 1px solid #e4e4e8; }
      td button { min-height: 0; padding: 0.1rem 0.5rem; }
    `,
  ]

  declare connections: Connection[]
  declare posts: Post[]
  declare account: string | undefined
  declare accountStats: ConnectionAnalytics | undefined
  declare postId: string | undefined
  declare postStats: PostAnalytics | undefined
  declare note: string

  constructor() {
    super()
    this.connections = []
    this.posts = []
    this.note = ''
  }

  override load(): void {
    void this.refresh()
  }

  /** Reloads connections, posts and the selected analytics. */
  async refresh(): Promise<void> {
    try {
      const [connections, posts] = await Promise.all([this.api.connections(), this.api.posts('limit=100')])
      this.connections = connections
      this.posts = posts.items
      this.account ??= connections.find((c) => c.status === 'active')?.id ?? connections[0]?.id
      this.postId ??= posts.items.find((p) => p.status === 'published')?.id
      await Promise.all([this.#loadAccount(), this.#loadPost()])
    } catch (err) {
      this.note = err instanceof Error ? err.message : String(err)
    }
  }

  async #loadAccount(): Promise<void> {
    this.accountStats = this.account
      ? await this.api.connectionAnalytics(this.account).catch(() => undefined)
      : undefined
  }

  async #loadPost(): Promise<void> {
    this.postStats = this.postId
      ? await this.api.postAnalytics(this.postId).catch(() => undefined)
      : undefined
  }

  async #sync(): Promise<void> {
    if (!this.account) return
    try {
      await this.api.sync(this.account)
      this.note = msg('Sync queued: new figures arrive within a minute.', { id: 'sync.queued' })
    } catch (err) {
      this.note = err instanceof Error ? err.message : String(err)
    }
  }

  #totals() {
    const n = (f: (p: Post) => boolean) => this.posts.filter(f).length
    const cells: [string, number][] = [
      [msg('All', { id: 'totals.all' }), this.posts.length],
      [msg('Pending', { id: 'totals.pending' }), n((p) => PENDING.has(p.status))],
      [msg('Published', { id: 'post.published' }), n((p) => p.status === 'published')],
      [msg('Failed', { id: 'post.failed' }), n((p) => p.status === 'failed')],
    ]
    return html`<dl data-totals>${cells.map(([k, v]) => html`<div><dt>${k}</dt><dd>${v}</dd></div>`)}</dl>`
  }

  #accountCard() {
    const a = this.accountStats
    return html`<section class="card" aria-labelledby="acc">
      <h3 id="acc">${msg('Account analytics', { id: 'dash.account' })}</h3>
      <select aria-label=${msg('Account', { id: 'account' })} @change=${(e: Event) => {
        this.account = (e.target as HTMLSelectElement).value
        void this.#loadAccount()
      }}>
        ${this.connections.map((c) => html`<option value=${c.id} ?selected=${c.id === this.account}>${c.displayName ?? c.openId}</option>`)}
      </select>
      ${
        a?.latest
          ? html`<p data-account-stats>${msg(str`Followers: ${a.latest.followers}`, { id: 'dash.followers' })} ·
              ${msg(str`Engagement rate: ${pct(a.engagementRate)}`, { id: 'dash.engagement' })}
              ${a.stale ? html`· <span class="error">${msg('stale', { id: 'dash.stale' })}</span>` : nothing}</p>
              <sb-chart label=${msg('Followers over time', { id: 'dash.followersChart' })}
                .series=${[line(msg('Followers', { id: 'followers' }), a.history, (s: { followers: number }) => s.followers)]}></sb-chart>`
          : html`<p class="muted">${msg('No figures yet: sync the account.', { id: 'dash.noFigures' })}</p>`
      }
    </section>`
  }

  #postCard() {
    const p = this.postStats
    return html`<section class="card" aria-labelledby="pst">
      <h3 id="pst">${msg('Post analytics', { id: 'dash.post' })}</h3>
      ${
        p?.latest
          ? html`<p data-post-stats>${msg(str`Views ${p.latest.views} · Likes ${p.latest.likes} · Comments ${p.latest.comments} · Shares ${p.latest.shares}`, { id: 'dash.counts' })} ·
              ${msg(str`Engagement rate: ${pct(p.engagementRate)}`, { id: 'dash.engagement' })}</p>
              <sb-chart label=${msg('Post engagement over time', { id: 'dash.postChart' })} .series=${[
                line(msg('Views', { id: 'views' }), p.history, (s: { views: number }) => s.views),
                line(msg('Likes', { id: 'likes' }), p.history, (s: { likes: number }) => s.likes),
                line(msg('Comments', { id: 'comments' }), p.history, (s: { comments: number }) => s.comments),
                line(msg('Shares', { id: 'shares' }), p.history, (s: { shares: number }) => s.shares),
              ]}></sb-chart>`
          : html`<p class="muted">${msg('Pick a published post to see its figures.', { id: 'dash.pickPost' })}</p>`
      }
    </section>`
  }

  override render() {
    return html`<section class="card" aria-labelledby="h">
      <h2 id="h">${msg('TikTok dashboard', { id: 'dash.title' })}</h2>
      <div class="row">
        <button @click=${() => this.emit('compose', {})}>${msg('New post', { id: 'post.new' })}</button>
        <button class="secondary" ?disabled=${!this.account} @click=${() => this.#sync()}>${msg('Sync now', { id: 'sync.now' })}</button>
        <button class="secondary" @click=${() => this.refresh()}>${msg('Refresh', { id: 'refresh' })}</button>
        <span role="status" class="muted">${this.note}</span>
      </div>
      <h3>${msg('Connections', { id: 'dash.health' })}</h3>
      <ul>${this.connections.map((c) => html`<li>${c.displayName ?? c.openId}: <span class="badge ${c.status}">${connectionStatusLabel(c.status)}</span></li>`)}</ul>
      <h3>${msg('Latest posts', { id: 'dash.posts' })}</h3>
      ${this.#totals()}
      <table>
        <thead><tr><th scope="col">${msg('Title', { id: 'title' })}</th><th scope="col">${msg('Status', { id: 'status' })}</th><th scope="col">${msg('Created', { id: 'created' })}</th><th scope="col"><span class="sr-only">${msg('Actions', { id: 'actions' })}</span></th></tr></thead>
        <tbody>
          ${this.posts.slice(0, 10).map(
            (p) => html`<tr data-post=${p.id}>
              <td>${p.title || '—'}</td>
              <td><span class="badge ${p.status}">${postStatusLabel(p.status)}</span></td>
              <td>${new Date(p.createdAt).toLocaleString(this.locale)}</td>
              <td>${
                p.status === 'published'
                  ? html`<button class="secondary" @click=${() => {
                      this.postId = p.id
                      void this.#loadPost()
                    }}>${msg('Analytics', { id: 'dash.analytics' })}</button>`
                  : nothing
              }</td>
            </tr>`,
          )}
        </tbody>
      </table>
      <div class="grid" style="margin-top:1rem">${this.#accountCard()}${this.#postCard()}</div>
    </section>`
  }
}
