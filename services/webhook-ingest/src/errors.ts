import { defineError } from '@social-bridge/service-kit'

/**
 * 401 `UNAUTHORIZED`: `TikTok-Signature` is missing, malformed, made with another secret, or
 * its `t` is outside the tolerance; or the verified body names another `client_key`.
 * `%s` is the reason (never a secret).
 */
export const WebhookUnauthorizedError = defineError('UNAUTHORIZED', 401, 'Webhook refused: %s')

/** 400 `BAD_REQUEST`: the body verified but is not TikTok's envelope (docs/tiktok-api.md §4.3). */
export const WebhookPayloadInvalidError = defineError(
  'BAD_REQUEST',
  400,
  'Webhook body is not a valid TikTok envelope: %s',
)

/** 503 `SERVICE_UNAVAILABLE`: the event was not acknowledged by JetStream in time; TikTok retries. */
export const WebhookNotStoredError = defineError(
  'SERVICE_UNAVAILABLE',
  503,
  'The event could not be stored; deliver it again later',
)

/** 400 `BAD_REQUEST`: a verified Instagram body that is not Meta's notification (docs/instagram-api.md "Webhooks"). */
export const InstagramPayloadInvalidError = defineError(
  'BAD_REQUEST',
  400,
  'Webhook body is not a valid Instagram notification: %s',
)

/** 403 `FORBIDDEN`: Meta's verification handshake with another verify token or mode. */
export const HandshakeRefusedError = defineError(
  'FORBIDDEN',
  403,
  'Verification refused: hub.mode must be subscribe and hub.verify_token this app’s token',
)
