import { defineError } from '@social-bridge/service-kit'

/**
 * 422 `WEBHOOK_URL_REFUSED`: the endpoint URL is not `https` (and its host not allowlisted), or it
 * resolves to a loopback, private, link-local or metadata address. `%s` is the reason.
 */
export const WebhookUrlRefusedError = defineError('WEBHOOK_URL_REFUSED', 422, 'Webhook URL refused: %s')

/** 400 `BAD_REQUEST`: `Last-Event-ID` is not the id of an event the stream sent (a sequence number). */
export const LastEventIdInvalidError = defineError(
  'BAD_REQUEST',
  400,
  'Last-Event-ID must be the id of an event this stream sent',
)
