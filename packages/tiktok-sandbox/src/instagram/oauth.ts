/**
 * Business Login for Instagram on the sandbox (docs/instagram-api.md "Connect"):
 * - `GET /instagram/www/oauth/authorize` — the consent page (one approve form per account, a
 *   cancel button); `POST` redirects to the registered `redirect_uri` with `code` (and Meta's
 *   trailing `#_`) and `state`, or `error=access_denied`. Fault endpoints `ig.authorize`, `ig.authorize.decision`.
 * - `POST /instagram/api/oauth/access_token` — the form-encoded code exchange; answers
 *   `{data: [{access_token, user_id, permissions}]}`, errors `{error_type, code, error_message}`.
 *   Fault endpoint `ig.oauth.token`.
 * - `GET /instagram/graph/access_token?grant_type=ig_exchange_token` — short → long-lived;
 *   `GET /instagram/graph/refresh_access_token?grant_type=ig_refresh_token` — a long-lived token
 *   at least `refreshMinAgeSec` old and unexpired → a new one valid `longLivedTtlSec` from now.
 *   Both answer `{access_token, token_type: 'bearer', expires_in, permissions}`. Fault endpoints
 *   `ig.token.exchange`, `ig.token.refresh`.
 * Emulator choices where Meta's docs are silent: a refresh before 24 h is refused with Graph code
 * 100 (the token stays valid); the previous long-lived token stays valid until its own expiry.
 */
import type { FastifyPluginAsync } from 'fastify'
import { GraphApiError, graphErrors, graphParams, sendGraph, toGraphError } from './http.js'
import type { IgRouteOptions, InstagramApp } from './index.js'
import type { InstagramStore } from './store.js'

/** The permissions of Business Login for Instagram the emulator grants (docs "Connect"). */
export const IG_PERMISSIONS = [
  'instagram_business_basic',
  'instagram_business_content_publish',
  'instagram_business_manage_comments',
  'instagram_business_manage_insights',
  'instagram_business_manage_messages',
] as const

const esc = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!)

/** `scope` as a list: comma-separated or (URL-encoded) space-separated. */
const scopeList = (scope: string | null | undefined) =>
  (scope ?? '')
    .split(/[,\s]+/)
    .map((s) => s.trim())
    .filter(Boolean)

/** Why an authorize request cannot redirect (shown on the page; thrown by the admin helpers). */
function authorizeProblem(app: InstagramApp, q: URLSearchParams): string | undefined {
  if (q.get('client_id') !== app.appId) return 'Invalid platform app'
  if (!app.redirectUris.includes(q.get('redirect_uri') ?? '')) return 'Invalid redirect_uri'
  if (q.get('response_type') !== 'code') return 'response_type must be code'
  const scopes = scopeList(q.get('scope'))
  if (!scopes.includes('instagram_business_basic')) return 'instagram_business_basic is required'
  const unknown = scopes.find((s) => !(IG_PERMISSIONS as readonly string[]).includes(s))
  if (unknown) return `Invalid scope: ${unknown}`
  return undefined
}

/**
 * Where the consent page sends the browser: the redirect URI with `code` (+ `#_`) and `state`
 * (approve as `igUserId`), or `error=access_denied`, `error_reason=user_denied` and `state` (deny,
 * `igUserId` undefined). @throws Error for an unknown account or an invalid authorize request.
 */
export function consentRedirect(
  app: InstagramApp,
  store: InstagramStore,
  query: string,
  igUserId: string | undefined,
): string {
  const q = new URLSearchParams(query)
  const problem = authorizeProblem(app, q)
  if (problem) throw new Error(problem)
  const to = new URL(q.get('redirect_uri')!)
  const state = q.get('state')
  if (igUserId === undefined) {
    to.searchParams.set('error', 'access_denied')
    to.searchParams.set('error_reason', 'user_denied')
    to.searchParams.set('error_description', 'The user denied your request.')
  } else {
    const account = store.account(igUserId)
    if (!account) throw new Error(`No sandbox Instagram account ${igUserId}`)
    to.searchParams.set(
      'code',
      store.issueCode(account.igUserId, q.get('redirect_uri')!, scopeList(q.get('scope'))),
    )
  }
  if (state !== null) to.searchParams.set('state', state)
  return igUserId === undefined ? to.toString() : `${to.toString()}#_`
}

/** The consent page on `/instagram/www`. */
export const consentRoutes: FastifyPluginAsync<IgRouteOptions> = async (fastify, { app, store }) => {
  fastify.get('/oauth/authorize', { config: { endpoint: 'ig.authorize' } }, async (request, reply) => {
    const search = new URL(request.url, 'http://sandbox').search.slice(1)
    const problem = authorizeProblem(app, new URLSearchParams(search))
    if (problem)
      return reply
        .code(400)
        .type('text/html; charset=utf-8')
        .send(`<p class="error">${esc(problem)}</p>`)
    const accounts = [...store.accounts.values()]
      .map(
        (a) => `<li><form method="post" action="authorize">
<input type="hidden" name="query" value="${esc(search)}"><input type="hidden" name="ig_user_id" value="${esc(a.igUserId)}">
<strong>@${esc(a.username)}</strong> ${esc(a.name)} (${esc(a.accountType)})
<button type="submit" name="decision" value="approve">Allow</button></form></li>`,
      )
      .join('\n')
    return reply.type('text/html; charset=utf-8').send(`<!doctype html><html><head><meta charset="utf-8">
<title>Instagram sandbox — allow access</title></head><body><h1>Allow this app to access your Instagram account</h1>
<ul>${accounts || '<li>No sandbox Instagram accounts.</li>'}</ul>
<form method="post" action="authorize"><input type="hidden" name="query" value="${esc(search)}">
<button type="submit" name="decision" value="deny">Cancel</button></form></body></html>`)
  })

  fastify.post<{ Body: { query?: string; ig_user_id?: string; decision?: string } }>(
    '/oauth/authorize',
    { config: { endpoint: 'ig.authorize.decision' } },
    async (request, reply) => {
      const { query = '', ig_user_id = '', decision } = request.body ?? {}
      try {
        return reply.redirect(
          consentRedirect(app, store, query, decision === 'approve' ? ig_user_id : undefined),
          302,
        )
      } catch (err) {
        return reply
          .code(400)
          .type('text/html; charset=utf-8')
          .send(`<p class="error">${esc((err as Error).message)}</p>`)
      }
    },
  )
}

/** The code exchange on `/instagram/api`, in api.instagram.com's flat error shape. */
export const codeExchangeRoutes: FastifyPluginAsync<IgRouteOptions> = async (fastify, { app, store }) => {
  fastify.setErrorHandler((err, request, reply) => {
    const g = toGraphError(err)
    request.tt.errorCode = String(g.code)
    return reply
      .code(g.httpStatus)
      .type('application/json; charset=UTF-8')
      .send(
        JSON.stringify({
          error_type: g.extra.type ?? 'OAuthException',
          code: g.code,
          error_message: g.message,
        }),
      )
  })
  const refuse = (message: string) => new GraphApiError(400, 400, message, { type: 'OAuthException' })

  fastify.post('/oauth/access_token', { config: { endpoint: 'ig.oauth.token' } }, async (request, reply) => {
    const p = graphParams(request)
    if (p.client_id !== app.appId || p.client_secret !== app.appSecret)
      throw refuse('Invalid client_id or client_secret')
    if (p.grant_type !== 'authorization_code') throw refuse('Invalid grant_type; expected authorization_code')
    const code = store.takeCode((p.code ?? '').replace(/#_$/, ''))
    if (!code) throw refuse('This authorization code has been used or has expired')
    if (code.redirectUri !== p.redirect_uri)
      throw refuse(
        'Error validating verification code. Please make sure your redirect_uri is identical to the one you used in the OAuth dialog request',
      )
    const account = store.account(code.igUserId)!
    const token = store.issueToken(account.igUserId, 'short', code.scopes)
    return sendGraph(reply, {
      data: [{ access_token: token.token, user_id: account.appScopedId, permissions: code.scopes.join(',') }],
    })
  })
}

/** Long-lived exchange and refresh on `/instagram/graph`. */
export const tokenRoutes: FastifyPluginAsync<IgRouteOptions> = async (fastify, { app, store }) => {
  const answer = (t: { token: string; expiresAt: number; scopes: string[] }) => ({
    access_token: t.token,
    token_type: 'bearer',
    expires_in: Math.floor((t.expiresAt - store.clock.now()) / 1000),
    permissions: t.scopes.join(','),
  })

  fastify.get('/access_token', { config: { endpoint: 'ig.token.exchange' } }, async (request, reply) => {
    const p = graphParams(request)
    if (p.grant_type !== 'ig_exchange_token')
      throw graphErrors.invalidParameter('grant_type must be ig_exchange_token')
    if (p.client_secret !== app.appSecret)
      throw new GraphApiError(400, 101, 'Error validating client secret.', { type: 'OAuthException' })
    const known = store.tokens.get(p.access_token ?? '')
    if (!known?.live) throw graphErrors.invalidToken()
    const short = store.liveToken(known.token)
    if (!short) throw graphErrors.invalidToken(463)
    if (short.kind !== 'short')
      throw graphErrors.invalidParameter('The access token is not a short-lived token')
    return sendGraph(reply, answer(store.issueToken(short.igUserId, 'long', short.scopes)))
  })

  fastify.get(
    '/refresh_access_token',
    { config: { endpoint: 'ig.token.refresh' } },
    async (request, reply) => {
      const p = graphParams(request)
      if (p.grant_type !== 'ig_refresh_token')
        throw graphErrors.invalidParameter('grant_type must be ig_refresh_token')
      const known = store.tokens.get(p.access_token ?? '')
      if (!known?.live) throw graphErrors.invalidToken()
      const long = store.liveToken(known.token)
      if (!long) throw graphErrors.invalidToken(463)
      if (long.kind !== 'long') throw graphErrors.invalidParameter('Only long-lived tokens can be refreshed')
      if (store.clock.now() - long.issuedAt < store.settings.refreshMinAgeSec * 1000)
        throw graphErrors.invalidParameter(
          'The access token can be refreshed only when it is at least 24 hours old',
        )
      return sendGraph(reply, answer(store.issueToken(long.igUserId, 'long', long.scopes)))
    },
  )
}
