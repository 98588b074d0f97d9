import {
  CreateWebhookEndpointRequest,
  DeliveryAttemptList,
  DeliveryIdParams,
  DeliveryListQuery,
  EventStreamQuery,
  PUBLIC_EVENT_TYPES,
  UpdateWebhookEndpointRequest,
  WebhookEndpoint,
  WebhookEndpointIdParams,
  WebhookEndpointList,
  WebhookEndpointWithSecret,
} from '@social-bridge/contracts'
import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import { ADMINS, answer, bearerSecurity, errorAnswers, READERS } from './common.js'

const tags = ['events']
const notFound = "no webhook endpoint with this id in the caller's tenant"
const refused =
  '`WEBHOOK_URL_REFUSED`: the URL is not `https` (plain `http` only for allowlisted hosts), or it ' +
  'resolves to a loopback, private, link-local or cloud-metadata address.'
const TYPES = PUBLIC_EVENT_TYPES.map((t) => `\`${t}\``).join(', ')
const SIGNING =
  'Deliveries follow the Standard Webhooks specification: `POST` with headers `webhook-id` (the ' +
  'event id, the same on every retry: dedupe on it), `webhook-timestamp` (Unix seconds) and ' +
  '`webhook-signature` (`v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>">`, one per secret, ' +
  'space-separated); body `{ id, type, version, timestamp, tenantId, data }`. Verify with any ' +
  'Standard Webhooks library. Only a 2xx within 10 s counts; retries back off about 5 s, 20 s, ' +
  '80 s, 5 min, 21 min, 85 min, 5.7 h, then every 6 h (± 20 % jitter) for 3 days; `410 Gone` ' +
  `disables the endpoint, as do 3 days of failures. Event types: ${TYPES} (schemas: \`Event_<type>\` ` +
  'in this document).'

/** Every endpoint operation: admin only, proxied to webhook-dispatch. */
function endpointRoute(
  app: FastifyInstance,
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
  url: string,
  schema: object,
) {
  app.route({
    method,
    url,
    schema: { tags, security: bearerSecurity, ...schema },
    onRequest: app.authenticate(ADMINS),
    handler: (_req, reply) => reply.proxyTo('dispatch'),
  })
}

/** `/v1/webhook-endpoints/**` (admin) and `GET /v1/events` (readers): webhook-dispatch. */
export default async function eventRoutes(app: FastifyInstance) {
  const params = WebhookEndpointIdParams
  endpointRoute(app, 'POST', '/webhook-endpoints', {
    summary: 'Register a webhook endpoint; answers its signing secret (shown only here and on rotation)',
    description: `Roles: admin. \`events\`: types, \`post.*\`-style groups, or \`["*"]\`.\n\n${SIGNING}`,
    body: CreateWebhookEndpointRequest,
    response: {
      201: answer('The endpoint and its `whsec_…` secret', WebhookEndpointWithSecret),
      ...errorAnswers({ secured: true, body: true, extra: { 422: refused } }),
    },
  })
  endpointRoute(app, 'GET', '/webhook-endpoints', {
    summary: "The tenant's webhook endpoints (never their secrets)",
    querystring: Type.Object({ cursor: Type.Optional(Type.String()), limit: Type.Optional(Type.Integer()) }),
    response: { 200: answer('A page of endpoints', WebhookEndpointList), ...errorAnswers({ secured: true }) },
  })
  endpointRoute(app, 'GET', '/webhook-endpoints/:id', {
    summary: 'One webhook endpoint; `disabledReason` says why it stopped (`gone`, `failing`, `user`)',
    params,
    response: { 200: answer('The endpoint', WebhookEndpoint), ...errorAnswers({ secured: true, notFound }) },
  })
  endpointRoute(app, 'PATCH', '/webhook-endpoints/:id', {
    summary: 'Change url, events, description, or `disabled` (false re-enables)',
    params,
    body: UpdateWebhookEndpointRequest,
    response: {
      200: answer('The endpoint', WebhookEndpoint),
      ...errorAnswers({ secured: true, notFound, body: true, extra: { 422: refused } }),
    },
  })
  endpointRoute(app, 'DELETE', '/webhook-endpoints/:id', {
    summary: 'Delete an endpoint and its delivery log',
    params,
    response: {
      204: Type.Null({ description: 'Deleted' }),
      ...errorAnswers({ secured: true, notFound, body: true }),
    },
  })
  endpointRoute(app, 'POST', '/webhook-endpoints/:id/rotate-secret', {
    summary: 'A new signing secret; for 24 h deliveries carry signatures by the old and the new one',
    params,
    response: {
      200: answer('The endpoint and its new secret', WebhookEndpointWithSecret),
      ...errorAnswers({ secured: true, notFound, body: true }),
    },
  })
  endpointRoute(app, 'POST', '/webhook-endpoints/:id/test', {
    summary: 'Send a signed `ping` event to the endpoint',
    params,
    response: {
      202: answer('Queued', Type.Object({ deliveryId: Type.String(), eventId: Type.String() })),
      ...errorAnswers({ secured: true, notFound, body: true }),
    },
  })
  endpointRoute(app, 'GET', '/webhook-endpoints/:id/deliveries', {
    summary:
      'Delivery attempts, newest first: event, attempt number, HTTP status or error, duration, next retry',
    params,
    querystring: DeliveryListQuery,
    response: {
      200: answer('A page of attempts', DeliveryAttemptList),
      ...errorAnswers({ secured: true, notFound }),
    },
  })
  endpointRoute(app, 'POST', '/webhook-endpoints/:id/deliveries/:deliveryId/retry', {
    summary: 'Send a delivery again now, with a fresh 3-day retry window',
    params: DeliveryIdParams,
    response: {
      202: answer('Queued', Type.Object({ deliveryId: Type.String() })),
      ...errorAnswers({ secured: true, notFound: `${notFound}, or no such delivery`, body: true }),
    },
  })

  app.get('/events', {
    schema: {
      tags,
      summary: "The tenant's events, live, as Server-Sent Events (`text/event-stream`)",
      description:
        'Roles: admin, social_marketing. Each frame: `id` (resume point), `event` (the type), `data` ' +
        '(the same JSON body as a webhook). Reconnect with `Last-Event-ID` to get every event since ' +
        '(kept 3 days); `?types=post.*,connection.revoked` filters; a `: heartbeat` comment comes ' +
        `every 15 s. Event types: ${TYPES}.`,
      security: bearerSecurity,
      querystring: EventStreamQuery,
      response: {
        200: answer('`text/event-stream`', Type.String({ description: 'The event stream' })),
        ...errorAnswers({
          secured: true,
          extra: { 400: 'Or `BAD_REQUEST`: a `Last-Event-ID` this stream never sent.' },
        }),
      },
    },
    onRequest: app.authenticate(READERS),
    handler: (_req, reply) => reply.proxyTo('dispatch'),
  })
}
