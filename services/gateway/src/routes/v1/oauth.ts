import { AuthorizeQuery, AuthorizeResponse, CallbackQuery, CallbackResult } from '@social-bridge/contracts'
import type { FastifyInstance } from 'fastify'
import { answer, bearerSecurity, errorAnswers, READERS } from './common.js'
import { withDescriptions } from './described.js'

const tags = ['connections']

const redirect = (description: string) => ({
  type: 'null',
  description,
  headers: { location: { type: 'string', description: 'Where the browser goes next' } },
})

/** The providers of `/v1/connections/:provider/…` and how the docs name them. */
const PROVIDERS = [
  { provider: 'tiktok', name: 'TikTok', account: 'a TikTok account' },
  { provider: 'tiktok_shop', name: 'TikTok Shop', account: 'a TikTok Shop seller and their shops' },
  { provider: 'instagram', name: 'Instagram', account: 'an Instagram professional account' },
] as const

/**
 * `/v1/connections/:provider/authorize` and `…/callback` for `tiktok`, `tiktok_shop` and `instagram`: each
 * provider's OAuth connect flow (auth-service), as static paths.
 */
export default async function oauthRoutes(app: FastifyInstance) {
  for (const { provider, name: TikTok, account } of PROVIDERS) {
    const shopConflicts =
      provider === 'tiktok_shop'
        ? '\n\nOne shop per CRM user: with JSON, a seller other than the one the user already has connected ' +
          'answers 409 `SHOP_LIMIT_REACHED`, and a shop another user of the tenant has connected 409 ' +
          '`SHOP_ALREADY_CONNECTED` (who is not said); in the browser form both come back as ' +
          '`outcome=failed&errorCode=…`.'
        : ''
    registerFlow(app, provider, TikTok, account, shopConflicts)
  }
}

function registerFlow(
  app: FastifyInstance,
  provider: string,
  TikTok: string,
  account: string,
  shopConflicts: string,
) {
  app.get(`/connections/${provider}/authorize`, {
    schema: {
      tags,
      summary: `Start connecting ${account} (302 to ${TikTok}, or JSON with Accept: application/json)`,
      description:
        'Roles: admin, social_marketing. Sets `sb_tiktok_oauth`, a signed httpOnly cookie binding this ' +
        `sign-in to the user for 10 minutes, and sends the browser to ${TikTok}’s consent page: a 302, or, with ` +
        '`Accept: application/json`, 200 `{ authorizeUrl }` for a page that calls this with `fetch` ' +
        '(credentials included) and then navigates there itself. Call it from the browser that will ' +
        'consent: the callback needs the cookie back.\n\n`returnUrl` (optional): the CRM page the ' +
        `callback sends the browser to when ${TikTok} is done (see the callback). It must be on the ` +
        'deployment’s `RETURN_URL_ALLOWLIST` (an origin, or a URL prefix), else 400 `BAD_REQUEST`; ' +
        'without it, `DEFAULT_RETURN_URL` is used.',
      security: bearerSecurity,
      querystring: withDescriptions(AuthorizeQuery, {
        returnUrl: `The CRM page to return to after ${TikTok} (on \`RETURN_URL_ALLOWLIST\`)`,
      }),
      response: {
        200: answer(`With \`Accept: application/json\`: ${TikTok}'s authorize URL`, AuthorizeResponse),
        302: redirect(`302 to ${TikTok}'s authorize page (without \`Accept: application/json\`)`),
        ...errorAnswers({
          secured: true,
          extra: { 400: '`BAD_REQUEST`: `returnUrl` is not on `RETURN_URL_ALLOWLIST`.' },
        }),
      },
    },
    onRequest: app.authenticate(READERS),
    handler: (_req, reply) => reply.proxyTo('auth', { withCookies: true }),
  })

  app.get(`/connections/${provider}/callback`, {
    schema: {
      tags,
      summary: `${TikTok}'s redirect back: checks the state cookie, stores the account, returns to the CRM`,
      description:
        `${TikTok} sends the user’s browser here after consent (this is the redirect URI registered ` +
        `with ${TikTok}). ` +
        'No JWT: the `sb_tiktok_oauth` cookie set by authorize authenticates it, and ' +
        'each sign-in can complete once.\n\n**Browser form** (the default): 302 to the `returnUrl` ' +
        'given to authorize, with the outcome added to its query: `outcome=connected` and ' +
        '`connectionId=<id>`; `outcome=denied&errorCode=OAUTH_DENIED` (the user declined); or ' +
        '`outcome=failed&errorCode=OAUTH_FAILED` (or `TIKTOK_UNAVAILABLE`: try again). The CRM page ' +
        'reads them. **JSON form**: with `Accept: application/json` the same result is 200 ' +
        '`{ outcome, connectionId?, errorCode? }`. Connecting an account the tenant already has ' +
        '(even `disconnected` or `revoked`) makes it `active` again under the same `connectionId`.' +
        shopConflicts,
      querystring: CallbackQuery,
      response: {
        200: answer('With `Accept: application/json`: the outcome', CallbackResult),
        302: redirect('302 to the `returnUrl` with `outcome`, `connectionId`, `errorCode` in its query'),
        ...errorAnswers({
          secured: false,
          extra: {
            403:
              '`OAUTH_STATE_INVALID`: no or a forged state cookie, or a state that is unknown, expired ' +
              '(10 minutes), already used, or another user’s, or one started for another provider; start connecting again.',
            ...(shopConflicts
              ? { 409: '`SHOP_LIMIT_REACHED` or `SHOP_ALREADY_CONNECTED` (JSON form).' }
              : {}),
          },
        }),
      },
    },
    config: { rateLimit: false },
    handler: (_req, reply) => reply.proxyTo('auth', { withCookies: true }),
  })
}
