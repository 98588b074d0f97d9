/**
 * The profile reads (docs/instagram-api.md "Connect"): `GET /me` and `GET /{ig-user-id}` with
 * `fields` from `id, user_id, username, name, account_type, profile_picture_url, followers_count,
 * follows_count, media_count` (default `id`). Fault endpoint `ig.me`.
 */
import type { FastifyPluginAsync } from 'fastify'
import { authenticate, requireOwnAccount } from './auth.js'
import { fieldList, sendGraph } from './http.js'
import type { IgRouteOptions } from './index.js'
import type { IgAccount, InstagramStore } from './store.js'

function profile(store: InstagramStore, a: IgAccount, fields: string[]): Record<string, unknown> {
  const all: Record<string, unknown> = {
    id: a.appScopedId,
    user_id: a.igUserId,
    username: a.username,
    name: a.name,
    account_type: a.accountType,
    profile_picture_url: a.profilePictureUrl,
    followers_count: a.followersCount,
    follows_count: a.followsCount,
    media_count: [...store.media.values()].filter((m) => m.igUserId === a.igUserId).length,
  }
  const out: Record<string, unknown> = {}
  for (const f of fields.length ? fields : ['id']) if (f in all) out[f] = all[f]
  if (!('id' in out)) out.id = a.appScopedId
  return out
}

export const meRoutes: FastifyPluginAsync<IgRouteOptions> = async (fastify, { store, nodes }) => {
  fastify.get('/me', { config: { endpoint: 'ig.me' } }, async (request, reply) => {
    const caller = authenticate(store, request, ['instagram_business_basic'])
    return sendGraph(reply, profile(store, caller.account, fieldList(caller.params)))
  })
  nodes.register({
    kind: 'account',
    owns: (id) => store.account(id) !== undefined,
    get(request, reply, id) {
      const caller = authenticate(store, request, ['instagram_business_basic'])
      return sendGraph(reply, profile(store, requireOwnAccount(caller, id, 'get'), fieldList(caller.params)))
    },
  })
}
