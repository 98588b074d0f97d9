import { msg, str } from '@lit/localize'
import type { Connection, PostingQuota } from '@social-bridge/contracts'
import { css, html, nothing } from 'lit'
import { ApiError } from './api.js'
import { SbElement } from './base.js'
import { connectionStatusLabel, hideBroken } from './labels.js'
import { type ConnectResult, connectInPopup, outcomeInUrl } from './oauth-popup.js'

/** The connect button's states (Idle → Redirecting → Connected → Error). */
export type ConnectState = 'idle' | 'redirecting' | 'connected' | 'error'

/** The message for a failed connect, from the callback's `errorCode` (README "Connecting an account"). */
export function connectErrorMessage(r: ConnectResult | ApiError): string {
  const code = r instanceof ApiError ? r.code : r.errorCode
  if (code === 'OAUTH_DENIED')
    return msg('You cancelled at TikTok, so no account was connected. Connect again to retry.', {
      id: 'connect.denied',
    })
  if (code === 'TIKTOK_UNAVAILABLE')
    return msg('TikTok could not be reached. Try again in a moment.', { id: 'connect.unavailable' })
  if (r instanceof ApiError) return r.message
  return msg('TikTok could not complete the sign-in. Connect again.', { id: 'connect.failed' })
}

/**
 * `<sb-connections>`: the tenant's TikTok accounts with avatar, name, status and posting quota;
 * "Connect TikTok" (OAuth in a popup, full redirect when popups are blocked), "Reconnect" for
 * accounts that need it, "Disconnect" with confirmation (admins only), and "Sync now" with its
 * cooldown. Attributes: `gateway`, `locale`, `return-url` (the OAuth return page; default the
 * console's `/console/oauth-return.html`), `sync-cooldown-sec` (default 300, the gateway's
 * manual-sync interval). Events: `sb-connected` `{connectionId}`, `sb-disconnected` `{connectionId}`.
 */
export class SbConnections extends SbElement {
  static override properties = {
    ...SbElement.properties,
    returnUrl: { type: String, attribute: 'return-url' },
    syncCooldownSec: { type: Number, attribute: 'sync-cooldown-sec' },
    items: { state: true },
    quotas: { state: true },
    state: { type: String, reflect: true, attribute: 'data-state' },
    message: { state: true },
    confirming: { state: true },
    cooldownUntil: { state: true },
    now: { state: true },
    loadError: { state: true },
  }
  static override styles = [
    ...SbElement.styles,
    css`
      ul { list-style: none; padding: 0; margin: 0.75rem 0 0; display: grid; gap: 0.75rem; }
      li { display: grid; grid-template-columns: 48px 1fr; gap: 0.75rem; align-items: start; }
      .avatar, .avatar img { display: block; width: 48px; height: 48px; border-radius: 50%; }
      .avatar { background: #dde3ea; }
      .name { font-weight: 600; }
      .actions { margin-top: 0.5rem; }
    `,
  ]

  declare returnUrl: string | undefined
  declare syncCooldownSec: number
  declare items: Connection[] | undefined
  declare quotas: Record<string, PostingQuota | undefined>
  declare state: ConnectState
  declare message: string
  declare confirming: string | undefined
  declare cooldownUntil: Record<string, number>
  declare now: number
  declare loadError: string
  #tick?: ReturnType<typeof setInterval>

  constructor() {
    super()
    this.syncCooldownSec = 300
    this.quotas = {}
    this.state = 'idle'
    this.message = ''
    this.cooldownUntil = {}
    this.now = Date.now()
    this.loadError = ''
  }

  override connectedCallback(): void {
    super.connectedCallback()
    const back = outcomeInUrl(location.href)
    if (back) this.#finish(back)
    this.#tick = setInterval(() => {
      if (Object.values(this.cooldownUntil).some((t) => t > Date.now() - 1000)) this.now = Date.now()
    }, 1000)
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback()
    clearInterval(this.#tick)
  }

  override load(): void {
    void this.refresh()
  }

  /** Reloads the list and the active accounts' posting quota. */
  async refresh(): Promise<void> {
    try {
      this.items = await this.api.connections()
      this.loadError = ''
      const active = this.items.filter((c) => c.status === 'active')
      const details = await Promise.all(active.map((c) => this.api.connection(c.id).catch(() => undefined)))
      this.quotas = Object.fromEntries(active.map((c, i) => [c.id, details[i]?.postingQuota]))
    } catch (err) {
      this.loadError = err instanceof Error ? err.message : String(err)
    }
  }

  get #returnUrl(): string {
    return (
      this.returnUrl ?? `${(this.gateway || location.origin).replace(/\/$/, '')}/console/oauth-return.html`
    )
  }

  async connect(): Promise<void> {
    this.state = 'redirecting'
    this.message = msg('Waiting for TikTok in the pop-up window…', { id: 'connect.waiting' })
    try {
      const r = await connectInPopup(this.api, this.#returnUrl, location.href)
      if (r === 'redirected') return
      if (r === 'closed') {
        this.state = 'idle'
        this.message = msg('The TikTok window was closed before connecting.', { id: 'connect.closed' })
        return
      }
      this.#finish(r)
    } catch (err) {
      this.state = 'error'
      this.message = connectErrorMessage(
        err instanceof ApiError ? err : new ApiError(0, 'ERROR', String(err)),
      )
    }
  }

  #finish(r: ConnectResult): void {
    if (r.outcome === 'connected') {
      this.state = 'connected'
      this.message = msg('Connected. The account is ready to post.', { id: 'connect.done' })
      this.emit('connected', { connectionId: r.connectionId })
    } else {
      this.state = 'error'
      this.message = connectErrorMessage(r)
    }
    void this.refresh()
  }

  async #disconnect(c: Connection): Promise<void> {
    this.confirming = undefined
    try {
      await this.api.disconnect(c.id)
      this.emit('disconnected', { connectionId: c.id })
    } catch (err) {
      this.message = err instanceof Error ? err.message : String(err)
    }
    await this.refresh()
  }

  async #sync(c: Connection): Promise<void> {
    try {
      await this.api.sync(c.id)
      this.cooldownUntil = { ...this.cooldownUntil, [c.id]: Date.now() + this.syncCooldownSec * 1000 }
      this.message = msg('Sync queued: new figures arrive within a minute.', { id: 'sync.queued' })
    } catch (err) {
      if (err instanceof ApiError && err.retryAfterSec !== undefined)
        this.cooldownUntil = { ...this.cooldownUntil, [c.id]: Date.now() + err.retryAfterSec * 1000 }
      this.message = err instanceof Error ? err.message : String(err)
    }
    this.now = Date.now()
  }

  #quota(q: PostingQuota | undefined) {
    if (!q) return nothing
    const posts = q.initsPerMinuteLimit - q.initsLastMinute
    const drafts = q.inboxDraftsLimit - q.inboxDraftsLast24h
    return html`<div class="muted">
      ${msg(str`Posts you can start this minute: ${posts} of ${q.initsPerMinuteLimit}`, { id: 'quota.posts' })} ·
      ${msg(str`Pending drafts: ${q.inboxDraftsLast24h} of ${q.inboxDraftsLimit} (24 h)`, { id: 'quota.drafts' })}
      ${drafts <= 0 ? html`· <span class="error">${msg('Draft limit reached', { id: 'quota.draftsFull' })}</span>` : nothing}
    </div>`
  }

  #item(c: Connection) {
    const left = Math.ceil(((this.cooldownUntil[c.id] ?? 0) - this.now) / 1000)
    const name = c.displayName ?? c.openId
    return html`<li data-connection=${c.id}>
      <span class="avatar">${c.avatarUrl ? html`<img src=${c.avatarUrl} alt="" @error=${hideBroken} />` : nothing}</span>
      <div>
        <div class="row">
          <span class="name">${name}</span>
          <span class="badge ${c.status}" data-status=${c.status}>${connectionStatusLabel(c.status)}</span>
        </div>
        ${c.status === 'active' ? this.#quota(this.quotas[c.id]) : nothing}
        <div class="row actions">
          ${
            c.status === 'active'
              ? html`<button class="secondary" ?disabled=${left > 0} @click=${() => this.#sync(c)}>
                  ${left > 0 ? msg(str`Sync again in ${left} s`, { id: 'sync.cooldown' }) : msg('Sync now', { id: 'sync.now' })}
                </button>`
              : html`<button @click=${() => this.connect()}>${msg('Reconnect', { id: 'connect.again' })}</button>`
          }
          ${
            this.isAdmin && c.status !== 'disconnected'
              ? this.confirming === c.id
                ? html`<span role="alert">${msg(str`Disconnect ${name}? TikTok access is revoked.`, { id: 'disconnect.confirm' })}</span>
                    <button class="danger" @click=${() => this.#disconnect(c)}>${msg('Yes, disconnect', { id: 'disconnect.yes' })}</button>
                    <button class="secondary" @click=${() => {
                      this.confirming = undefined
                    }}>${msg('Cancel', { id: 'cancel' })}</button>`
                : html`<button class="secondary" @click=${() => {
                    this.confirming = c.id
                  }}>${msg('Disconnect', { id: 'disconnect' })}</button>`
              : nothing
          }
        </div>
      </div>
    </li>`
  }

  override render() {
    return html`<section class="card" aria-labelledby="h">
      <h2 id="h">${msg('TikTok accounts', { id: 'connections.title' })}</h2>
      <div class="row">
        <button ?disabled=${this.state === 'redirecting'} @click=${() => this.connect()}>
          ${msg('Connect TikTok', { id: 'connect' })}
        </button>
        <span role="status" class=${this.state === 'error' ? 'error' : this.state === 'connected' ? 'ok' : 'muted'}>${this.message}</span>
      </div>
      ${this.loadError ? html`<p class="error" role="alert">${this.loadError}</p>` : nothing}
      ${
        this.items === undefined
          ? html`<p class="muted">${msg('Loading…', { id: 'loading' })}</p>`
          : this.items.length === 0
            ? html`<p class="muted">${msg('No account yet: connect one.', { id: 'connections.none' })}</p>`
            : html`<ul>${this.items.map((c) => this.#item(c))}</ul>`
      }
    </section>`
  }
}
