import type { FastifyPluginAsync } from 'fastify'
import type { SandboxContext } from '../context.js'
import { AuthorizeRequestError } from '../errors.js'
import {
  approveAuthorize,
  authorizeQuery,
  checkAuthorize,
  denyAuthorize,
} from '../oauth/authorize-request.js'

const esc = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!)

function errorPage(message: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>TikTok sandbox — error</title></head>
<body><h1>Something went wrong</h1><p class="error">${esc(message)}</p></body></html>`
}

/**
 * The consent page of `www.tiktok.com` (docs/tiktok-api.md §1.2/1.3): `GET /v2/auth/authorize/` shows the
 * seeded users with one approve form (scope checkboxes, for toggleable scopes) and a cancel
 * button each; `POST /v2/auth/authorize/` applies the choice and redirects (302) to
 * `redirect_uri` with `code`, `scopes`, `state`, or `error=access_denied`.
 */
export const authorizeRoutes: FastifyPluginAsync<{ ctx: SandboxContext }> = async (app, { ctx }) => {
  app.get('/v2/auth/authorize/', { config: { endpoint: 'authorize' } }, async (request, reply) => {
    const search = request.url.includes('?') ? request.url.slice(request.url.indexOf('?') + 1) : ''
    try {
      const check = checkAuthorize(ctx, authorizeQuery(search))
      if (!check.ok) {
        request.tt.errorCode = check.error
        return reply.redirect(check.location, 302)
      }
      const scopeBoxes = check.params.scopes
        .map((s) => `<label><input type="checkbox" name="scope" value="${esc(s)}" checked> ${esc(s)}</label>`)
        .join(' ')
      const users = ctx.users
        .list()
        .map(
          (u) => `<li><form method="post" action="/v2/auth/authorize/">
<input type="hidden" name="query" value="${esc(search)}"><input type="hidden" name="open_id" value="${esc(u.openId)}">
<strong>${esc(u.displayName)}</strong> @${esc(u.username)} ${u.private ? '(private account)' : '(public account)'}
${scopeBoxes}
<button type="submit" name="decision" value="approve">Authorize</button></form></li>`,
        )
        .join('\n')
      return reply.type('text/html; charset=utf-8').send(`<!doctype html><html><head><meta charset="utf-8">
<title>TikTok sandbox — authorize</title></head><body>
<h1>An app wants to access your TikTok account</h1>
<p>Requested scopes: ${esc(check.params.scopes.join(', '))}</p>
<ul>${users || '<li>No sandbox users. Add one with POST /_sandbox/users.</li>'}</ul>
<form method="post" action="/v2/auth/authorize/"><input type="hidden" name="query" value="${esc(search)}">
<button type="submit" name="decision" value="deny">Cancel</button></form>
</body></html>`)
    } catch (err) {
      if (!(err instanceof AuthorizeRequestError)) throw err
      request.tt.errorCode = err.error
      return reply.code(400).type('text/html; charset=utf-8').send(errorPage(err.message))
    }
  })

  app.post<{ Body: { query?: string; open_id?: string; decision?: string; scope?: string | string[] } }>(
    '/v2/auth/authorize/',
    { config: { endpoint: 'authorize.decision' } },
    async (request, reply) => {
      const { query = '', open_id, decision, scope } = request.body ?? {}
      try {
        if (decision !== 'approve') return reply.redirect(denyAuthorize(ctx, query), 302)
        const granted = scope === undefined ? [] : Array.isArray(scope) ? scope : [scope]
        return reply.redirect(approveAuthorize(ctx, query, open_id ?? '', granted), 302)
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err)
        request.tt.errorCode = err instanceof AuthorizeRequestError ? err.error : 'invalid_request'
        return reply.code(400).type('text/html; charset=utf-8').send(errorPage(message))
      }
    },
  )
}
