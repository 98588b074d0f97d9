/**
 * The Instagram API with Instagram Login on the sandbox (docs/instagram-api.md), on the sandbox's
 * base URL under one prefix per Instagram host:
 *
 * | host                     | prefix               | what                                          |
 * | ------------------------ | -------------------- | --------------------------------------------- |
 * | `www.instagram.com`      | `/instagram/www`     | the authorize (consent) page                  |
 * | `api.instagram.com`      | `/instagram/api`     | the code exchange                             |
 * | `graph.instagram.com`    | `/instagram/graph`   | tokens, `/me`, objects `/{id}` and edges      |
 *
 * Graph answers carry the usage headers and render errors in Graph's envelope (http.ts); faults of
 * the sandbox (`sandbox.injectFault({ endpoint: 'ig.…' })`) become Graph errors. State lives in
 * `store.ts`, in memory only (not in the sandbox's state file).
 *
 * Route modules: each file default-exports nothing and exports a `FastifyPluginAsync<IgRouteOptions>`
 * registered below, one line each; objects at `/{id}` are answered through `nodes` (nodes.ts).
 * Admin helpers of a module are plain functions taking {@link InstagramAdminApi} (or its `store`),
 * exported from the package's index.ts.
 */
import type { FastifyInstance, FastifyPluginAsync } from 'fastify'
import type { SandboxContext } from '../context.js'
import { authenticate, callerAccount, usageHeaders } from './auth.js'
import { commentsRoutes } from './comments.js'
import { graphErrors, sendGraphError, toGraphError } from './http.js'
import { insightsRoutes } from './insights.js'
import { meRoutes } from './me.js'
import { mediaRoutes } from './media.js'
import { createNodes, type IgNodes } from './nodes.js'
import { codeExchangeRoutes, consentRedirect, consentRoutes, tokenRoutes } from './oauth.js'
import {
  type AddIgAccountInput,
  createInstagramStore,
  type IgAccount,
  type InstagramSettings,
  type InstagramStore,
} from './store.js'
import { createIgWebhooks, type IgWebhookSettings, type IgWebhooks } from './webhooks.js'

export type {
  AddIgAccountInput,
  IgAccount,
  IgAccountType,
  InstagramSettings,
  InstagramStore,
} from './store.js'

/** The app registered with Business Login for Instagram that the sandbox emulates. */
export interface InstagramApp {
  /** The Instagram app id (`client_id`). */
  appId: string
  /** The Instagram app secret: checked at the token calls, signs webhooks. */
  appSecret: string
  /** Registered redirect URIs, matched exactly. */
  redirectUris: string[]
  /** Where webhooks are sent (webhooks.ts); none by default. */
  webhookUrl?: string
  /** The verify token of the webhook subscription's handshake. */
  webhookVerifyToken?: string
}

/** `SandboxOptions.instagram`: the app (defaults `sbx_ig_app_id`…), accounts created at start, settings. */
export interface InstagramOptions extends Partial<InstagramApp> {
  accounts?: AddIgAccountInput[]
  settings?: Partial<InstagramSettings>
  /** Webhook delivery settings (batching, retry schedule), webhooks.ts. */
  webhookSettings?: Partial<IgWebhookSettings>
}

/** What every route module receives. */
export interface IgRouteOptions {
  ctx: SandboxContext
  app: InstagramApp
  store: InstagramStore
  /** Handlers of objects at `/{id}` (nodes.ts). */
  nodes: IgNodes
}

/** Test controls of the emulated Instagram (`sandbox.instagram`). */
export interface InstagramAdminApi {
  /** The app registration, changed in place (redirect URIs, webhook URL…). */
  readonly app: InstagramApp
  /** The shared state, for modules' admin helpers and for seeding in tests. */
  readonly store: InstagramStore
  /** The live settings, changed in place. */
  readonly settings: InstagramSettings
  addAccount(input?: AddIgAccountInput): IgAccount
  listAccounts(): IgAccount[]
  /** Expires the account's live tokens now (virtual clock). @returns how many changed. */
  expireTokens(igUserId: string): number
  /** Kills the account's tokens, as when the user removes the app. @returns how many changed. */
  revokeTokens(igUserId: string): number
  /** Programmatic consent as `igUserId`: the redirect location with `code` (and `#_`) and `state`. */
  approve(authorizeUrl: string, igUserId: string): string
  /** Programmatic cancel: the redirect location with `error=access_denied`. */
  deny(authorizeUrl: string): string
  /** Webhook subscription (handshake), signed batched deliveries with retries, faults (webhooks.ts). */
  readonly webhooks: IgWebhooks
}

/** Graph-host route modules, registered under `/instagram/graph`. One line each. */
const GRAPH_MODULES: FastifyPluginAsync<IgRouteOptions>[] = [
  tokenRoutes,
  meRoutes,
  mediaRoutes, // media.ts: containers, media_publish, content_publishing_limit
  insightsRoutes, // insights.ts: /{ig-media-id}/insights, /{ig-user-id}/insights
  commentsRoutes,
  // webhooksRoutes (webhooks.ts: signed deliveries of comments and other fields)
]

/** Graph's scope: error envelope, not-found, usage headers, the `/{id}` dispatcher, the modules. */
const graphScope: FastifyPluginAsync<IgRouteOptions> = async (fastify, { ctx, app, store, nodes }) => {
  const options: IgRouteOptions = { ctx, app, store, nodes }
  fastify.setErrorHandler((err, _request, reply) => sendGraphError(reply, toGraphError(err)))
  fastify.setNotFoundHandler((request, reply) =>
    sendGraphError(reply, graphErrors.unknownObject(request.method, request.url.split('?')[0] ?? '')),
  )
  fastify.addHook('onSend', async (request, reply, payload) => {
    const igUserId = callerAccount(request)
    if (igUserId) reply.headers(usageHeaders(store, igUserId))
    return payload
  })
  for (const module of GRAPH_MODULES) await fastify.register(module, options)
  for (const method of ['get', 'post', 'delete'] as const) {
    fastify.route<{ Params: { id: string } }>({
      method: method.toUpperCase() as 'GET' | 'POST' | 'DELETE',
      url: '/:id',
      config: { endpoint: `ig.node.${method}` },
      handler: async (request, reply) => {
        const id = request.params.id
        const fn = nodes.owner(id)?.[method]
        if (fn) return fn(request, reply, id)
        authenticate(store, request) // a bad token is reported before an unknown object
        throw graphErrors.unknownObject(method, id)
      },
    })
  }
}

const search = (url: string) => new URL(url).search.slice(1)

/**
 * Registers Instagram's routes on the sandbox app and returns their admin API.
 */
export async function registerInstagram(
  fastify: FastifyInstance,
  ctx: SandboxContext,
  options: InstagramOptions = {},
): Promise<InstagramAdminApi> {
  const app: InstagramApp = {
    appId: options.appId ?? 'sbx_ig_app_id',
    appSecret: options.appSecret ?? 'sbx_ig_app_secret',
    redirectUris: options.redirectUris ?? ['http://127.0.0.1:3000/v1/connections/instagram/callback'],
    ...(options.webhookUrl === undefined ? {} : { webhookUrl: options.webhookUrl }),
    ...(options.webhookVerifyToken === undefined ? {} : { webhookVerifyToken: options.webhookVerifyToken }),
  }
  const store = createInstagramStore(ctx.clock, options.settings)
  for (const a of options.accounts ?? []) store.addAccount(a)
  const webhooks = createIgWebhooks({
    app,
    clock: ctx.clock,
    ...(options.webhookSettings ? { settings: options.webhookSettings } : {}),
  })
  fastify.addHook('onClose', async () => webhooks.close())
  const routeOptions: IgRouteOptions = { ctx, app, store, nodes: createNodes() }
  await fastify.register(graphScope, { ...routeOptions, prefix: '/instagram/graph' })
  await fastify.register(consentRoutes, { ...routeOptions, prefix: '/instagram/www' })
  await fastify.register(codeExchangeRoutes, { ...routeOptions, prefix: '/instagram/api' })
  return {
    app,
    store,
    settings: store.settings,
    addAccount: (input) => store.addAccount(input),
    listAccounts: () => [...store.accounts.values()],
    expireTokens: (igUserId) => store.expireTokens(igUserId),
    revokeTokens: (igUserId) => store.revokeTokens(igUserId),
    approve: (url, igUserId) => consentRedirect(app, store, search(url), igUserId),
    deny: (url) => consentRedirect(app, store, search(url), undefined),
    webhooks,
  }
}
