/**
 * Reels publishing on the emulator (docs/instagram-api.md "Publishing"):
 * - `POST /{ig-user-id}/media` (`media_type=REELS`, `video_url`, `caption`, `share_to_feed`,
 *   `cover_url`, `thumb_offset`) creates a container IN_PROGRESS and really downloads `video_url`
 *   (through the sandbox's `pullUrlRewrites`, as tests cannot serve https); after
 *   `processingDelayMs` it is FINISHED, or ERROR with a subcode in `status` for media a Reel cannot
 *   use (2207052 download failed, 2207003 download too slow, 2207026 format, codec, frame rate,
 *   duration or size outside the Reels specs) or for an injected fault (`ig.container.processing`,
 *   kind `error`, `code` the subcode, default 2207001: the next container created ends so).
 * - `GET /{container-id}?fields=status_code,status`; a container not published within
 *   `containerExpirySec` of virtual time reads EXPIRED.
 * - `POST /{ig-user-id}/media_publish?creation_id=` publishes a FINISHED container once (a second
 *   time: 400 code 24 subcode 2207008 — an emulator choice, Meta documents none), refuses one not
 *   ready (9007/2207027), expired (-2/2207020) or in ERROR, and enforces the publishing limit over
 *   a moving window of virtual time (`publishingQuotaTotal` per `publishingQuotaDurationSec`:
 *   400 code 9 subcode 2207042).
 * - `GET /{ig-user-id}/content_publishing_limit?fields=quota_usage,config`.
 * - `GET /{ig-user-id}/media?fields=…&limit=` lists the account's published media, newest first
 *   (`id`, `caption`, `timestamp` as `2026-12-06T07:00:00+0000`, `media_type`, `media_product_type`,
 *   `permalink`, `shortcode`; the first page only).
 * Fault endpoints: `ig.media.create`, `ig.media.publish`, `ig.content_publishing_limit`, `ig.media.list`
 * (containers are read through `ig.node.get`).
 */
import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import type { FastifyPluginAsync } from 'fastify'
import type { SandboxContext } from '../context.js'
import type { Fault } from '../faults.js'
import { inspectFile } from '../processing/inspect.js'
import { download, resolvePullUrl } from '../processing/pull.js'
import { authenticate, requireOwnAccount } from './auth.js'
import { fieldList, GraphApiError, graphErrors, sendGraph } from './http.js'
import type { IgRouteOptions } from './index.js'
import { type IgContainer, type IgContainerStatus, type InstagramStore, igId } from './store.js'

/** Publishing settings beside the store's (changed in place through {@link igMediaSettings}). */
export interface IgMediaSettings {
  /** Real-time delay between the end of the download and the container's verdict, ms (default 1000). */
  processingDelayMs: number
  /** Largest video accepted, bytes (default 300 MB; sources also quote 1 GB). */
  reelMaxBytes: number
  /** Longest download of `video_url`, ms (default 120 000), then ERROR 2207003. */
  fetchTimeoutMs: number
}

const settingsOf = new WeakMap<InstagramStore, IgMediaSettings>()

/** The live publishing settings of an emulated Instagram (`igMediaSettings(sandbox.instagram.store)`). */
export function igMediaSettings(store: InstagramStore): IgMediaSettings {
  let s = settingsOf.get(store)
  if (!s) {
    s = { processingDelayMs: 1000, reelMaxBytes: 300 * 1024 * 1024, fetchTimeoutMs: 120_000 }
    settingsOf.set(store, s)
  }
  return s
}

/** Reels specs the emulated processing checks (docs/instagram-api.md "Publishing"). */
const REELS = {
  containers: ['MPEG-4', 'QuickTime'],
  codecs: ['AVC', 'HEVC'],
  minFps: 23,
  maxFps: 60,
  minSec: 3,
  maxSec: 900,
}

/** Graph error subcodes of a container in ERROR. */
const SUBCODE = {
  fetchFailed: 2207052,
  fetchTimeout: 2207003,
  unsupported: 2207026,
  server: 2207001,
} as const

/** A container's `status_code` now: IN_PROGRESS or FINISHED past the expiry reads EXPIRED. */
export function containerStatus(store: InstagramStore, c: IgContainer): IgContainerStatus {
  const open = c.statusCode === 'IN_PROGRESS' || c.statusCode === 'FINISHED'
  const expired = store.clock.now() >= c.createdAt + store.settings.containerExpirySec * 1000
  return open && expired ? 'EXPIRED' : c.statusCode
}

const bad = (message: string, subcode?: number) => graphErrors.invalidParameter(message, subcode)

/** Downloads and inspects a container's video, then sets its verdict. Never throws. */
async function processContainer(
  ctx: SandboxContext,
  store: InstagramStore,
  c: IgContainer,
  signal: AbortSignal,
  fault: Fault | undefined,
) {
  const s = igMediaSettings(store)
  const file = join(ctx.dataDir, `ig-${c.id}.bin`)
  const fail = (subcode: number) => {
    c.statusCode = 'ERROR'
    c.status = `Error: Media upload has failed with error code ${subcode}`
  }
  let verdict: () => void
  try {
    const url = resolvePullUrl(c.params.video_url ?? '', ctx.settings.pullUrlRewrites)
    const timeout = AbortSignal.timeout(s.fetchTimeoutMs)
    let tooBig = false
    const size = await download(url, file, {
      signal: AbortSignal.any([signal, timeout]),
      onBytes: (n) => {
        tooBig ||= n > s.reelMaxBytes
      },
    }).catch((err) => {
      if (signal.aborted) throw err
      return timeout.aborted ? -2 : -1
    })
    if (size === -1) verdict = () => fail(SUBCODE.fetchFailed)
    else if (size === -2) verdict = () => fail(SUBCODE.fetchTimeout)
    else {
      const m = await inspectFile(file)
      const fps = m.frameRate ?? 0
      const secs = m.durationSec ?? 0
      const usable =
        !tooBig &&
        !m.truncated &&
        REELS.containers.includes(m.container ?? '') &&
        REELS.codecs.includes(m.videoCodec ?? '') &&
        fps >= REELS.minFps &&
        fps <= REELS.maxFps &&
        secs >= REELS.minSec &&
        secs <= REELS.maxSec
      verdict = () => {
        if (fault) fail(Number(fault.code) || SUBCODE.server)
        else if (!usable) fail(SUBCODE.unsupported)
        else c.statusCode = 'FINISHED'
      }
    }
  } catch {
    return // closing
  } finally {
    await rm(file, { force: true })
  }
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, s.processingDelayMs)
    const stop = () => {
      clearTimeout(timer)
      resolve()
    }
    signal.addEventListener('abort', stop, { once: true })
  })
  if (!signal.aborted && c.statusCode === 'IN_PROGRESS') verdict()
  ctx.changed()
}

/** Reel params as sent; Graph's form values are strings. */
function reelParams(params: Record<string, string>): Record<string, string> {
  if (params.upload_type === 'resumable')
    throw bad('Resumable uploads are available with Facebook Login only; send video_url')
  if (params.media_type !== 'REELS')
    throw bad(`The emulator publishes Reels only: media_type must be REELS (VIDEO is no longer supported)`)
  if (!params.video_url || !/^https?:\/\//.test(params.video_url))
    throw bad('The parameter video_url is required')
  if (params.thumb_offset !== undefined && !/^\d+$/.test(params.thumb_offset))
    throw bad('thumb_offset must be a non-negative integer of milliseconds', 2207057)
  if (params.share_to_feed !== undefined && !['true', 'false'].includes(params.share_to_feed))
    throw bad('share_to_feed must be true or false')
  if ((params.caption ?? '').length > 2200) throw bad('The caption is longer than 2,200 characters')
  const { access_token: _t, ...kept } = params
  return kept
}

export const mediaRoutes: FastifyPluginAsync<IgRouteOptions> = async (fastify, { ctx, store, nodes }) => {
  const running = new AbortController()
  fastify.addHook('onClose', async () => running.abort())
  const scope = ['instagram_business_content_publish']

  fastify.post<{ Params: { igUserId: string } }>(
    '/:igUserId/media',
    { config: { endpoint: 'ig.media.create' } },
    async (request, reply) => {
      const caller = authenticate(store, request, scope)
      const account = requireOwnAccount(caller, request.params.igUserId, 'post')
      if (account.accountType === 'PERSONAL')
        throw graphErrors.permission('instagram_business_content_publish')
      const container: IgContainer = {
        id: igId('179'),
        igUserId: account.igUserId,
        mediaType: 'REELS',
        params: reelParams(caller.params),
        statusCode: 'IN_PROGRESS',
        createdAt: store.clock.now(),
      }
      store.containers.set(container.id, container)
      // An injected `ig.container.processing` fault belongs to the next container created.
      void processContainer(ctx, store, container, running.signal, ctx.faults.take('ig.container.processing'))
      return sendGraph(reply, { id: container.id })
    },
  )

  nodes.register({
    kind: 'container',
    owns: (id) => store.containers.has(id),
    get(request, reply, id) {
      const caller = authenticate(store, request)
      const c = store.containers.get(id)
      if (!c || c.igUserId !== caller.account.igUserId) throw graphErrors.unknownObject('get', id)
      const all: Record<string, unknown> = {
        id: c.id,
        status_code: containerStatus(store, c),
        media_type: c.mediaType,
      }
      if (c.status !== undefined) all.status = c.status
      else all.status = containerStatus(store, c) === 'EXPIRED' ? 'Expired' : 'Ok'
      const out: Record<string, unknown> = { id: c.id }
      for (const f of fieldList(caller.params)) if (f in all) out[f] = all[f]
      return sendGraph(reply, out)
    },
  })

  fastify.post<{ Params: { igUserId: string } }>(
    '/:igUserId/media_publish',
    { config: { endpoint: 'ig.media.publish' } },
    async (request, reply) => {
      const caller = authenticate(store, request, scope)
      const account = requireOwnAccount(caller, request.params.igUserId, 'post')
      const id = caller.params.creation_id ?? ''
      const c = store.containers.get(id)
      if (!c || c.igUserId !== account.igUserId) throw graphErrors.unknownObject('post', id)
      const status = containerStatus(store, c)
      if (status === 'EXPIRED')
        throw new GraphApiError(
          400,
          -2,
          'The media you are trying to access has expired. Please try to upload again.',
          {
            subcode: 2207020,
          },
        )
      if (status === 'PUBLISHED')
        throw new GraphApiError(
          400,
          24,
          'The media builder with this creation_id has been published already.',
          {
            subcode: 2207008,
          },
        )
      if (status === 'IN_PROGRESS')
        throw new GraphApiError(
          400,
          9007,
          'Media ID is not available: the media is not ready for publishing, please wait.',
          {
            subcode: 2207027,
          },
        )
      if (status === 'ERROR') throw bad(`The container cannot be published: ${c.status ?? 'ERROR'}`)
      if (store.quotaUsage(account.igUserId) >= store.settings.publishingQuotaTotal)
        throw new GraphApiError(
          400,
          9,
          'Application request limit reached: you reached the maximum number of posts allowed to be published by the Content Publishing API.',
          {
            subcode: 2207042,
          },
        )
      const now = store.clock.now()
      const mediaId = igId('179')
      const shortcode = `C${mediaId.slice(-10)}`
      store.media.set(mediaId, {
        id: mediaId,
        igUserId: account.igUserId,
        containerId: c.id,
        mediaType: 'VIDEO',
        mediaProductType: 'REELS',
        ...(c.params.caption === undefined ? {} : { caption: c.params.caption }),
        shortcode,
        permalink: `https://www.instagram.com/reel/${shortcode}/`,
        timestamp: now,
      })
      c.statusCode = 'PUBLISHED'
      c.mediaId = mediaId
      store.publishes.set(account.igUserId, [...(store.publishes.get(account.igUserId) ?? []), now])
      return sendGraph(reply, { id: mediaId })
    },
  )

  fastify.get<{ Params: { igUserId: string } }>(
    '/:igUserId/media',
    { config: { endpoint: 'ig.media.list' } },
    async (request, reply) => {
      const caller = authenticate(store, request, ['instagram_business_basic'])
      const account = requireOwnAccount(caller, request.params.igUserId, 'get')
      const limit = Math.min(100, Math.max(1, Number(caller.params.limit) || 25))
      const fields = fieldList(caller.params)
      const mine = [...store.media.values()].filter((m) => m.igUserId === account.igUserId)
      const data = mine
        .sort((a, b) => b.timestamp - a.timestamp)
        .slice(0, limit)
        .map((m) => {
          const all: Record<string, unknown> = {
            id: m.id,
            caption: m.caption,
            timestamp: new Date(m.timestamp).toISOString().replace(/\.\d{3}Z$/, '+0000'),
            media_type: m.mediaType,
            media_product_type: m.mediaProductType,
            permalink: m.permalink,
            shortcode: m.shortcode,
          }
          const out: Record<string, unknown> = { id: m.id }
          for (const f of fields) if (all[f] !== undefined) out[f] = all[f]
          return out
        })
      return sendGraph(reply, { data })
    },
  )

  fastify.get<{ Params: { igUserId: string } }>(
    '/:igUserId/content_publishing_limit',
    { config: { endpoint: 'ig.content_publishing_limit' } },
    async (request, reply) => {
      const caller = authenticate(store, request, scope)
      const account = requireOwnAccount(caller, request.params.igUserId, 'get')
      const fields = fieldList(caller.params)
      const row: Record<string, unknown> = { quota_usage: store.quotaUsage(account.igUserId) }
      if (fields.includes('config'))
        row.config = {
          quota_total: store.settings.publishingQuotaTotal,
          quota_duration: store.settings.publishingQuotaDurationSec,
        }
      return sendGraph(reply, { data: [row] })
    },
  )
}
