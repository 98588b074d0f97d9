/**
 * Comments on IG media (docs/instagram-api.md "Comments"): `GET /{ig-media-id}/comments` with
 * `fields` (`id`, `text`, `timestamp`, `username`, `like_count`, `parent_id`…; default
 * `id,text,timestamp`), top-level comments newest first, `limit` (default 25, at most 50) and
 * Graph's cursor paging (`paging.cursors.after`, `paging.next` while more follow). Needs
 * `instagram_business_manage_comments` and the caller's own media (else 100/33). Fault endpoint
 * `ig.comments`. {@link addIgComment} adds a comment as a follower would, which sends the
 * `comments` webhook (webhooks.ts).
 */
import { randomBytes } from 'node:crypto'
import type { FastifyPluginAsync } from 'fastify'
import { authenticate } from './auth.js'
import { fieldList, graphErrors, sendGraph } from './http.js'
import type { IgRouteOptions } from './index.js'
import { type IgComment, type InstagramStore, igId } from './store.js'
import type { IgWebhooks } from './webhooks.js'

const DEFAULT_LIMIT = 25
const MAX_LIMIT = 50

/** Graph's `timestamp`: ISO 8601 with a `+0000` offset. */
const graphTime = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, '+0000')

function commentFields(c: IgComment, fields: string[]): Record<string, unknown> {
  const all: Record<string, unknown> = {
    id: c.id,
    text: c.text,
    timestamp: graphTime(c.timestamp),
    username: c.from.username,
    like_count: c.likeCount,
    from: { id: c.from.id, username: c.from.username },
    hidden: c.hidden,
    media: { id: c.mediaId },
    ...(c.parentId ? { parent_id: c.parentId } : {}),
  }
  const out: Record<string, unknown> = {}
  for (const f of fields.length ? fields : ['id', 'text', 'timestamp']) if (f in all) out[f] = all[f]
  out.id = c.id
  return out
}

/** Cursors are opaque to callers: base64url of the comment id a page ends at. */
const cursorOf = (id: string) => Buffer.from(`c:${id}`).toString('base64url')
const idOfCursor = (cursor: string) => {
  const text = Buffer.from(cursor, 'base64url').toString()
  return text.startsWith('c:') ? text.slice(2) : undefined
}

export const commentsRoutes: FastifyPluginAsync<IgRouteOptions> = async (fastify, { store }) => {
  fastify.get<{ Params: { mediaId: string } }>(
    '/:mediaId/comments',
    { config: { endpoint: 'ig.comments' } },
    async (request, reply) => {
      const caller = authenticate(store, request, ['instagram_business_manage_comments'])
      const media = store.media.get(request.params.mediaId)
      if (!media || media.igUserId !== caller.account.igUserId)
        throw graphErrors.unknownObject('get', request.params.mediaId)
      const { limit: rawLimit, after } = caller.params
      const limit = rawLimit === undefined ? DEFAULT_LIMIT : Number(rawLimit)
      if (!Number.isInteger(limit) || limit < 1)
        throw graphErrors.invalidParameter('(#100) limit must be a positive integer')
      const all = [...store.comments.values()]
        .filter((c) => c.mediaId === media.id && !c.parentId && !c.hidden)
        .sort((a, b) => b.timestamp - a.timestamp || (a.id < b.id ? 1 : -1))
      let start = 0
      if (after !== undefined) {
        const id = idOfCursor(after)
        const at = id === undefined ? -1 : all.findIndex((c) => c.id === id)
        if (at < 0) throw graphErrors.invalidParameter('(#100) Invalid after cursor')
        start = at + 1
      }
      const page = all.slice(start, start + Math.min(limit, MAX_LIMIT))
      const fields = fieldList(caller.params)
      const body: Record<string, unknown> = { data: page.map((c) => commentFields(c, fields)) }
      const first = page[0]
      const last = page.at(-1)
      if (first && last) {
        const paging: Record<string, unknown> = {
          cursors: { before: cursorOf(first.id), after: cursorOf(last.id) },
        }
        if (start + page.length < all.length) {
          const next = new URL(`${request.protocol}://${request.host}${request.url}`)
          next.searchParams.set('after', cursorOf(last.id))
          paging.next = next.toString()
        }
        body.paging = paging
      }
      return sendGraph(reply, body)
    },
  )
}

/** What {@link addIgComment} takes: the media, and the comment (defaults: a follower's comment, now). */
export interface AddIgCommentInput {
  mediaId: string
  text?: string
  username?: string
  /** A reply to this comment. */
  parentId?: string
  likeCount?: number
  /** Virtual Unix ms; default now. */
  timestamp?: number
  /** Send the `comments` webhook (default true, when subscribed). */
  notify?: boolean
}

/**
 * Adds a comment to a published media as a follower does in the app, and (unless `notify` is
 * false) sends the `comments` change Meta sends: `{id, text, from: {id, username}, media: {id,
 * media_product_type}, parent_id?}` about the media's owner.
 * @throws Error when the media is unknown.
 */
export function addIgComment(
  api: { store: InstagramStore; webhooks: IgWebhooks },
  input: AddIgCommentInput,
): IgComment {
  const media = api.store.media.get(input.mediaId)
  if (!media) throw new Error(`no published media ${input.mediaId}`)
  const username = input.username ?? `follower_${randomBytes(3).toString('hex')}`
  const comment: IgComment = {
    id: igId('179'),
    mediaId: media.id,
    ...(input.parentId ? { parentId: input.parentId } : {}),
    text: input.text ?? 'Love this!',
    from: { id: igId('9'), username },
    timestamp: input.timestamp ?? api.store.clock.now(),
    hidden: false,
    likeCount: input.likeCount ?? 0,
  }
  api.store.comments.set(comment.id, comment)
  if (input.notify !== false) {
    api.webhooks.emit(media.igUserId, 'comments', {
      id: comment.id,
      text: comment.text,
      from: comment.from,
      media: { id: media.id, media_product_type: media.mediaProductType },
      ...(comment.parentId ? { parent_id: comment.parentId } : {}),
    })
  }
  return comment
}
