import { msg, str } from '@lit/localize'
import type { Connection, CreatePostRequest, CreatorInfo, Post, PostingQuota } from '@social-bridge/contracts'
import { css, html, nothing } from 'lit'
import type { UploadProgress } from './api.js'
import { SbElement } from './base.js'
import { followPost, isSettled } from './follow.js'
import { formatBytes, hideBroken, postStatusLabel, privacyLabel } from './labels.js'

/** TikTok's title limit, UTF-16 code units (docs/tiktok-api.md §3.2). */
export const TITLE_MAX = 2200

type Source = { kind: 'file'; file: File } | { kind: 'url'; url: string }

/**
 * `<sb-composer>`: a post form that follows TikTok's Direct Post UX rules (docs/tiktok-api.md
 * §3.11): the creator's nickname from creator info; "Who can view this video" offering only
 * `privacyLevelOptions` with no default (posting stays disabled until chosen); comments, Duet and
 * Stitch off by default and disabled with an explanation when the creator turned them off;
 * content disclosure off by default ("Your brand", "Branded content"; branded content cannot be
 * "Only me"); the music usage line and an explicit consent box; a preview, with the duration
 * checked against `maxVideoPostDurationSec` before any byte is uploaded. Then the upload's
 * progress (bytes and rate), the quota, and the post's status timeline to published / sent to
 * inbox / failed with TikTok's reason and a link to the post. Attributes: `gateway`, `locale`,
 * `connection-id` (else the user picks an active account). Event: `sb-posted` `{post}` when final.
 */
export class SbComposer extends SbElement {
  static override properties = {
    ...SbElement.properties,
    connectionId: { type: String, attribute: 'connection-id' },
    connections: { state: true },
    creator: { state: true },
    quota: { state: true },
    mode: { state: true },
    sourceKind: { state: true },
    source: { state: true },
    previewUrl: { state: true },
    durationSec: { state: true },
    title: { state: true },
    privacy: { state: true },
    allowComment: { state: true },
    allowDuet: { state: true },
    allowStitch: { state: true },
    disclose: { state: true },
    yourBrand: { state: true },
    brandedContent: { state: true },
    consent: { state: true },
    progress: { state: true },
    post: { state: true },
    busy: { state: true },
    error: { state: true },
  }
  static override styles = [
    ...SbElement.styles,
    css`
      form { display: grid; gap: 0.9rem; }
      fieldset { border: 1px solid #d5d6db; border-radius: var(--radius); padding: 0.6rem 0.9rem; margin: 0; }
      legend { font-weight: 600; padding: 0 0.3rem; }
      label { display: inline-flex; gap: 0.4rem; align-items: center; }
      .stack { display: grid; gap: 0.35rem; }
      .drop { border: 2px dashed #8a8c94; border-radius: var(--radius); padding: 1rem; text-align: center; }
      .drop.over { border-color: var(--accent); background: #eef4fb; }
      video { max-width: 100%; max-height: 320px; background: #000; border-radius: var(--radius); }
      textarea { width: 100%; min-height: 4.5rem; }
      .bar { height: 0.75rem; background: #e4e4e8; border-radius: 999px; overflow: hidden; }
      .bar > div { height: 100%; background: var(--accent); }
      ol { padding-left: 1.25rem; margin: 0.25rem 0; }
      .creator { display: flex; gap: 0.6rem; align-items: center; }
      .avatar, .avatar img { display: block; width: 40px; height: 40px; border-radius: 50%; }
      .avatar { background: #dde3ea; flex: none; }
    `,
  ]

  declare connectionId: string | undefined
  declare connections: Connection[]
  declare creator: CreatorInfo | undefined
  declare quota: PostingQuota | undefined
  declare mode: 'direct' | 'inbox'
  declare sourceKind: 'file' | 'url'
  declare source: Source | undefined
  declare previewUrl: string | undefined
  declare durationSec: number | undefined
  declare title: string
  declare privacy: string
  declare allowComment: boolean
  declare allowDuet: boolean
  declare allowStitch: boolean
  declare disclose: boolean
  declare yourBrand: boolean
  declare brandedContent: boolean
  declare consent: boolean
  declare progress: UploadProgress | undefined
  declare post: Post | undefined
  declare busy: boolean
  declare error: string
  #stopFollowing?: () => void

  constructor() {
    super()
    this.connections = []
    this.#reset()
  }

  #reset(): void {
    this.mode = 'direct'
    this.sourceKind = 'file'
    this.source = undefined
    this.previewUrl = undefined
    this.durationSec = undefined
    this.title = ''
    this.privacy = ''
    this.allowComment = false
    this.allowDuet = false
    this.allowStitch = false
    this.disclose = false
    this.yourBrand = false
    this.brandedContent = false
    this.consent = false
    this.progress = undefined
    this.post = undefined
    this.busy = false
    this.error = ''
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback()
    this.#stopFollowing?.()
  }

  override load(): void {
    void this.api
      .connections()
      .then((items) => {
        this.connections = items.filter((c) => c.status === 'active')
        const chosen = this.connectionId ?? this.connections[0]?.id
        if (chosen) void this.#choose(chosen)
      })
      .catch((err) => {
        this.error = err instanceof Error ? err.message : String(err)
      })
  }

  async #choose(id: string): Promise<void> {
    this.connectionId = id
    this.creator = undefined
    this.privacy = ''
    try {
      const [creator, detail] = await Promise.all([this.api.creatorInfo(id), this.api.connection(id)])
      if (this.connectionId !== id) return // the user chose another account meanwhile
      this.creator = creator
      this.quota = detail.postingQuota
      this.error = ''
    } catch (err) {
      this.error = err instanceof Error ? err.message : String(err)
    }
  }

  #pick(file: File | undefined): void {
    if (!file) return
    if (this.previewUrl?.startsWith('blob:')) URL.revokeObjectURL(this.previewUrl)
    this.source = { kind: 'file', file }
    this.durationSec = undefined
    this.previewUrl = URL.createObjectURL(file)
  }

  #setUrl(url: string): void {
    this.source = url ? { kind: 'url', url } : undefined
    this.durationSec = undefined
    this.previewUrl = url || undefined
  }

  /** Why posting is not possible yet, or '' when it is (each rule of docs/tiktok-api.md §3.11). */
  get blocker(): string {
    if (!this.creator) return msg('Choose a TikTok account.', { id: 'block.account' })
    if (!this.source) return msg('Choose a video.', { id: 'block.video' })
    if (this.tooLong)
      return msg(
        str`This video is ${Math.round(this.durationSec ?? 0)} s long; this creator can post up to ${this.creator.maxVideoPostDurationSec} s.`,
        { id: 'block.duration' },
      )
    if (this.title.length > TITLE_MAX) return msg('The title is too long.', { id: 'block.title' })
    if (this.mode === 'direct' && !this.privacy)
      return msg('Choose who can view this video.', { id: 'block.privacy' })
    if (this.disclose && !this.yourBrand && !this.brandedContent)
      return msg('Say whether the content promotes your brand, a third party, or both.', {
        id: 'block.disclose',
      })
    if (this.brandedContent && this.privacy === 'SELF_ONLY')
      return msg('Branded content cannot be private.', { id: 'block.branded' })
    if (!this.consent) return msg('Give your consent to post.', { id: 'block.consent' })
    return ''
  }

  get tooLong(): boolean {
    return (
      this.creator !== undefined &&
      this.durationSec !== undefined &&
      this.durationSec > this.creator.maxVideoPostDurationSec
    )
  }

  async submit(): Promise<void> {
    if (this.blocker || !this.source || !this.connectionId) return
    this.busy = true
    this.error = ''
    try {
      let source: CreatePostRequest['source']
      if (this.source.kind === 'file') {
        const file = this.source.file
        this.progress = { sentBytes: 0, totalBytes: file.size, bytesPerSec: 0 }
        const media = await this.api.uploadMedia(file, (p) => {
          this.progress = p
        })
        source = { mediaId: media.id }
      } else source = { url: this.source.url }
      const body: CreatePostRequest = {
        connectionId: this.connectionId,
        mode: this.mode,
        source,
        title: this.title,
        disableComment: !this.allowComment,
        disableDuet: !this.allowDuet,
        disableStitch: !this.allowStitch,
        brandContentToggle: this.disclose && this.brandedContent,
        brandOrganicToggle: this.disclose && this.yourBrand,
        ...(this.mode === 'direct'
          ? { privacyLevel: this.privacy as CreatePostRequest['privacyLevel'] }
          : {}),
      }
      this.post = await this.api.createPost(body)
      this.busy = false
      this.#stopFollowing = followPost(this.api, this.post.id, (p) => {
        this.post = p
        if (isSettled(p)) this.emit('posted', { post: p })
      })
    } catch (err) {
      this.busy = false
      this.error = err instanceof Error ? err.message : String(err)
    }
  }

  #postLink(p: Post) {
    const id = p.tiktokPostIds[0]
    const href =
      p.shareUrl ??
      (id && this.creator ? `https://www.tiktok.com/@${this.creator.creatorUsername}/video/${id}` : '')
    return href
      ? html`<a href=${href} target="_blank" rel="noopener" data-post-link>${msg('Open the post on TikTok', { id: 'post.link' })}</a>`
      : html`<p class="muted">${msg('TikTok is making the post public; its link follows.', { id: 'post.linkSoon' })}</p>`
  }

  #status(p: Post) {
    return html`<section class="card" aria-labelledby="st" aria-live="polite">
      <h3 id="st">${msg('Status', { id: 'status' })}:
        <span class="badge ${p.status}" data-post-status=${p.status}>${postStatusLabel(p.status)}</span></h3>
      <ol>
        ${(p.history ?? []).map(
          (h) =>
            html`<li>${new Date(h.at).toLocaleTimeString(this.locale)} — ${postStatusLabel(h.to)}${h.message ? html`: ${h.message}` : nothing}</li>`,
        )}
      </ol>
      ${p.waitingFor ? html`<p class="muted">${p.waitingFor.message}</p>` : nothing}
      ${p.status === 'failed' ? html`<p class="error" role="alert">${p.failMessage ?? p.failReason} <span class="muted">(${p.failReason})</span></p>` : nothing}
      ${p.status === 'published' ? this.#postLink(p) : nothing}
      ${p.status === 'sent_to_inbox' ? html`<p>${msg('Open TikTok to finish the draft and post it.', { id: 'post.inboxHint' })}</p>` : nothing}
      ${
        p.status === 'published' || p.status === 'failed' || p.status === 'sent_to_inbox'
          ? html`<p><button class="secondary" @click=${() => this.#reset()}>${msg('New post', { id: 'post.new' })}</button></p>`
          : nothing
      }
    </section>`
  }

  #progress() {
    const p = this.progress
    if (!p) return nothing
    const pct = p.totalBytes ? Math.round((p.sentBytes / p.totalBytes) * 100) : 0
    return html`<div class="stack">
      <div class="bar" role="progressbar" aria-label=${msg('Upload', { id: 'upload' })} aria-valuemin="0" aria-valuemax="100" aria-valuenow=${pct}>
        <div style="width:${pct}%"></div>
      </div>
      <span class="muted">${pct} % · ${formatBytes(p.sentBytes)} / ${formatBytes(p.totalBytes)} · ${formatBytes(p.bytesPerSec)}/s</span>
    </div>`
  }

  #quota() {
    const q = this.quota
    if (!q) return nothing
    const posts = Math.max(q.initsPerMinuteLimit - q.initsLastMinute, 0)
    const drafts = Math.max(q.inboxDraftsLimit - q.inboxDraftsLast24h, 0)
    const next = posts > 0 ? msg('now', { id: 'quota.now' }) : msg('within a minute', { id: 'quota.minute' })
    return html`<p class="muted" data-quota>
      ${msg(str`Posts left this minute: ${posts}`, { id: 'quota.left' })} ·
      ${msg(str`Pending drafts: ${q.inboxDraftsLast24h} of ${q.inboxDraftsLimit} per 24 h`, { id: 'quota.pending' })} ·
      ${msg(str`Next free slot: ${next}`, { id: 'quota.next' })}
      ${drafts === 0 ? html`<br />${msg('The inbox is full until a draft is older than 24 h.', { id: 'quota.inboxFull' })}` : nothing}
    </p>`
  }

  #interaction(label: string, key: 'allowComment' | 'allowDuet' | 'allowStitch', off: boolean, why: string) {
    return html`<label>
        <input type="checkbox" name=${key} .checked=${this[key] && !off} ?disabled=${off}
          aria-describedby=${off ? `${key}-why` : nothing}
          @change=${(e: Event) => {
            this[key] = (e.target as HTMLInputElement).checked
          }} />
        ${label}
      </label>
      ${off ? html`<span class="muted" id="${key}-why">${why}</span>` : nothing}`
  }

  /** One radio button setting `this[key]` to `value`. */
  #radio<K extends 'mode' | 'sourceKind'>(key: K, value: this[K], label: string) {
    return html`<label><input type="radio" name=${key} .checked=${this[key] === value} @change=${() => {
      this[key] = value
    }} /> ${label}</label>`
  }

  #form(c: CreatorInfo) {
    const blocker = this.blocker
    const brandedPrivate = this.brandedContent
    return html`<form @submit=${(e: Event) => {
      e.preventDefault()
      void this.submit()
    }}>
      <div class="creator">
        <span class="avatar"><img src=${c.creatorAvatarUrl} alt="" @error=${hideBroken} /></span>
        <span>${msg('Posting to', { id: 'postingTo' })} <strong data-nickname>${c.creatorNickname}</strong> <span class="muted">@${c.creatorUsername}</span></span>
      </div>
      ${this.#quota()}

      <fieldset><legend>${msg('Where it goes', { id: 'mode' })}</legend>
        ${this.#radio('mode', 'direct', msg('Post directly', { id: 'mode.direct' }))}
        ${this.#radio('mode', 'inbox', msg('Send to inbox as a draft', { id: 'mode.inbox' }))}
      </fieldset>

      <fieldset><legend>${msg('Video', { id: 'video' })}</legend>
        <div class="row">
          ${this.#radio('sourceKind', 'file', msg('File', { id: 'src.file' }))}
          ${this.#radio('sourceKind', 'url', msg('Verified URL', { id: 'src.url' }))}
        </div>
        ${
          this.sourceKind === 'file'
            ? html`<div class="drop" @dragover=${(e: DragEvent) => {
                e.preventDefault()
                ;(e.currentTarget as HTMLElement).classList.add('over')
              }} @dragleave=${(e: DragEvent) => (e.currentTarget as HTMLElement).classList.remove('over')}
                @drop=${(e: DragEvent) => {
                  e.preventDefault()
                  ;(e.currentTarget as HTMLElement).classList.remove('over')
                  this.#pick(e.dataTransfer?.files[0])
                }}>
                <label>${msg('Drop a video here or choose one', { id: 'src.drop' })}
                  <input type="file" name="file" accept="video/mp4,video/quicktime,video/webm"
                    @change=${(e: Event) => this.#pick((e.target as HTMLInputElement).files?.[0])} /></label>
              </div>`
            : html`<label class="stack">${msg('Video URL on a verified domain', { id: 'src.urlLabel' })}
                <input type="url" name="url" @change=${(e: Event) => this.#setUrl((e.target as HTMLInputElement).value.trim())} /></label>`
        }
        ${
          this.previewUrl
            ? html`<video src=${this.previewUrl} controls muted preload="metadata" aria-label=${msg('Preview', { id: 'preview' })}
                @loadedmetadata=${(e: Event) => {
                  this.durationSec = (e.target as HTMLVideoElement).duration
                }}></video>`
            : nothing
        }
        ${this.tooLong ? html`<p class="error" role="alert">${blocker}</p>` : nothing}
      </fieldset>

      <label class="stack">${msg('Title', { id: 'title' })}
        <textarea name="title" maxlength=${TITLE_MAX} .value=${this.title} aria-describedby="count"
          @input=${(e: Event) => {
            this.title = (e.target as HTMLTextAreaElement).value
          }}></textarea>
        <span id="count" class="muted">${this.title.length} / ${TITLE_MAX}</span>
      </label>

      ${
        this.mode === 'direct'
          ? html`<label class="stack">${msg('Who can view this video', { id: 'privacy' })}
              <select name="privacy" required @change=${(e: Event) => {
                this.privacy = (e.target as HTMLSelectElement).value
              }}>
                <option value="" ?selected=${!this.privacy} disabled>${msg('Choose…', { id: 'privacy.choose' })}</option>
                ${c.privacyLevelOptions.map(
                  (
                    o,
                  ) => html`<option value=${o} ?selected=${this.privacy === o} ?disabled=${brandedPrivate && o === 'SELF_ONLY'}>
                    ${privacyLabel(o)}${brandedPrivate && o === 'SELF_ONLY' ? ` — ${msg('not for branded content', { id: 'privacy.notBranded' })}` : ''}</option>`,
                )}
              </select></label>`
          : html`<p class="muted">${msg('The creator chooses who can view the draft in the TikTok app.', { id: 'privacy.inbox' })}</p>`
      }

      <fieldset><legend>${msg('Allow users to', { id: 'allow' })}</legend>
        <div class="stack">
          ${this.#interaction(msg('Comment', { id: 'allow.comment' }), 'allowComment', c.commentDisabled, msg('The creator turned off comments in TikTok.', { id: 'allow.commentOff' }))}
          ${this.#interaction(msg('Duet', { id: 'allow.duet' }), 'allowDuet', c.duetDisabled, msg('The creator turned off Duet in TikTok.', { id: 'allow.duetOff' }))}
          ${this.#interaction(msg('Stitch', { id: 'allow.stitch' }), 'allowStitch', c.stitchDisabled, msg('The creator turned off Stitch in TikTok.', { id: 'allow.stitchOff' }))}
        </div>
      </fieldset>

      <fieldset><legend>${msg('Disclose video content', { id: 'disclose' })}</legend>
        <label><input type="checkbox" name="disclose" .checked=${this.disclose} @change=${(e: Event) => {
          this.disclose = (e.target as HTMLInputElement).checked
        }} /> ${msg('This video promotes a brand, product or service', { id: 'disclose.toggle' })}</label>
        ${
          this.disclose
            ? html`<div class="stack">
                <label><input type="checkbox" name="yourBrand" .checked=${this.yourBrand} @change=${(
                  e: Event,
                ) => {
                  this.yourBrand = (e.target as HTMLInputElement).checked
                }} /> ${msg('Your brand', { id: 'disclose.own' })}</label>
                <span class="muted">${msg('Labelled "Promotional content".', { id: 'disclose.ownHint' })}</span>
                <label><input type="checkbox" name="brandedContent" .checked=${this.brandedContent}
                  ?disabled=${this.privacy === 'SELF_ONLY'} aria-describedby="branded-why"
                  @change=${(e: Event) => {
                    this.brandedContent = (e.target as HTMLInputElement).checked
                  }} /> ${msg('Branded content', { id: 'disclose.branded' })}</label>
                <span class="muted" id="branded-why">${msg('Labelled "Paid partnership". Branded content cannot be private ("Only me").', { id: 'disclose.brandedHint' })}</span>
              </div>`
            : nothing
        }
      </fieldset>

      <p data-music>
        ${
          this.disclose && this.brandedContent
            ? msg("By posting, you agree to TikTok's Branded Content Policy and Music Usage Confirmation.", {
                id: 'music.branded',
              })
            : msg("By posting, you agree to TikTok's Music Usage Confirmation.", { id: 'music' })
        }
      </p>
      <label><input type="checkbox" name="consent" .checked=${this.consent} @change=${(e: Event) => {
        this.consent = (e.target as HTMLInputElement).checked
      }} /> ${msg('I agree and want to post this video now', { id: 'consent' })}</label>

      ${this.#progress()}
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
      <div class="row">
        <button type="submit" ?disabled=${blocker !== '' || this.busy} aria-describedby="why">
          ${this.mode === 'direct' ? msg('Post', { id: 'post' }) : msg('Send to inbox', { id: 'post.toInbox' })}
        </button>
        <span id="why" class="muted">${blocker}</span>
      </div>
    </form>`
  }

  override render() {
    return html`<section class="card" aria-labelledby="h">
      <h2 id="h">${msg('New TikTok post', { id: 'composer.title' })}</h2>
      ${
        this.connections.length > 1 && !this.post
          ? html`<label class="stack">${msg('Account', { id: 'account' })}
              <select name="connection" @change=${(e: Event) => void this.#choose((e.target as HTMLSelectElement).value)}>
                ${this.connections.map((c) => html`<option value=${c.id} ?selected=${c.id === this.connectionId}>${c.displayName ?? c.openId}</option>`)}
              </select></label>`
          : nothing
      }
      ${this.post ? html`${this.#progress()}${this.#status(this.post)}` : this.creator ? this.#form(this.creator) : nothing}
      ${!this.creator && this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
      ${!this.creator && !this.error ? html`<p class="muted">${msg('Loading…', { id: 'loading' })}</p>` : nothing}
    </section>`
  }
}
