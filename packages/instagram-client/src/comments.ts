/**
 * Comments on an IG Media (docs/instagram-api.md "Comments"):
 * `GET /{ig-media-id}/comments?fields=id,text,timestamp,username,like_count`, paged with
 * Graph's cursors (`paging.cursors.after`, `paging.next` present while more follow).
 */
import { InstagramGraphError } from './errors.js'
import type { GraphHttp } from './graph.js'

/** The fields asked for each comment. */
export const COMMENT_FIELDS_QUERY = 'id,text,timestamp,username,like_count'

/** Most comments Graph returns per page (`limit`). */
export const MAX_COMMENTS_PAGE_SIZE = 50

/** One IG Comment as the comments endpoint returns it. */
export interface IgComment {
  /** The IG Comment id (numeric string). */
  id: string
  text?: string | undefined
  /** The commenter's username. */
  username?: string | undefined
  /** Likes of the comment. */
  likeCount?: number | undefined
  /** When the comment was made (Graph's ISO 8601 `timestamp`, e.g. `2017-05-19T23:27:28+0000`). */
  timestamp: Date
}

/** One page of comments. */
export interface CommentsPage {
  comments: IgComment[]
  /** Cursor of the next page (pass as `after`); null when this is the last page. */
  after: string | null
}

/** The comments area of the client. */
export interface CommentsApi {
  /**
   * One page of the media's comments (`limit` 1–50, default 50), after the cursor `after`.
   * @throws InstagramGraphError — `graph_error` with `category` (`rate_limited`, `grant_invalid`
   *   for a dead token, `failed` for an unknown media…), `timeout`/`connection_error` (retryable),
   *   `invalid_response` when a comment lacks its id or a valid `timestamp`.
   */
  list(
    accessToken: string,
    mediaId: string,
    page?: { after?: string | undefined; limit?: number | undefined },
  ): Promise<CommentsPage>
}

interface RawComment {
  id?: unknown
  text?: unknown
  username?: unknown
  like_count?: unknown
  timestamp?: unknown
}

interface RawPage {
  data?: RawComment[]
  paging?: { cursors?: { after?: unknown }; next?: unknown }
}

/** Graph writes offsets as `+0000`; `Date` wants `+00:00` to be sure. */
function parseTimestamp(value: unknown): Date | undefined {
  if (typeof value !== 'string') return undefined
  const d = new Date(value.replace(/([+-]\d\d)(\d\d)$/, '$1:$2'))
  return Number.isNaN(d.getTime()) ? undefined : d
}

const invalid = (message: string) =>
  new InstagramGraphError('invalid_response', message, { category: 'failed' })

/** Creates the comments area over the client's {@link GraphHttp}. */
export function createComments(graph: GraphHttp): CommentsApi {
  return {
    async list(accessToken, mediaId, page = {}) {
      const limit = Math.min(Math.max(1, page.limit ?? MAX_COMMENTS_PAGE_SIZE), MAX_COMMENTS_PAGE_SIZE)
      const { body } = await graph.request<RawPage>({
        path: `/${encodeURIComponent(mediaId)}/comments`,
        query: { fields: COMMENT_FIELDS_QUERY, limit, after: page.after },
        accessToken,
      })
      if (!Array.isArray(body.data)) throw invalid('comments answer without data')
      const comments = body.data.map((c): IgComment => {
        const id = typeof c.id === 'string' ? c.id : typeof c.id === 'number' ? String(c.id) : undefined
        const timestamp = parseTimestamp(c.timestamp)
        if (!id || !timestamp) throw invalid('a comment without id or timestamp')
        return {
          id,
          text: typeof c.text === 'string' ? c.text : undefined,
          username: typeof c.username === 'string' ? c.username : undefined,
          likeCount: typeof c.like_count === 'number' ? c.like_count : undefined,
          timestamp,
        }
      })
      const cursor = body.paging?.cursors?.after
      const more = typeof body.paging?.next === 'string' && typeof cursor === 'string' && comments.length > 0
      return { comments, after: more ? (cursor as string) : null }
    },
  }
}
