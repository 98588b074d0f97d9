import { createSecretKey } from 'node:crypto'
import {
  InstagramWebhookPayloadError,
  parseWebhookNotification,
  verifyWebhookSignature,
  type WebhookChange,
} from '@social-bridge/instagram-client'
import { withDetails } from '@social-bridge/service-kit'
import type { InstagramWebhookSettings } from '../../config.js'
import { InstagramPayloadInvalidError, WebhookUnauthorizedError } from '../../errors.js'

/** Checks an Instagram notification's signature, shape and age; the only gate before storing. */
export interface InstagramVerifier {
  /**
   * Verifies `X-Hub-Signature-256` over the raw bytes with any accepted app secret (constant-time,
   * docs/instagram-api.md "Webhooks"), then parses the notification into its changes.
   *
   * @returns the changes in order (none for an empty `entry`).
   * @throws WebhookUnauthorizedError (401) for a missing, malformed or foreign signature
   *   (`details.reason`), or an entry older than `maxAgeSec` (`stale_notification`: a replay).
   * @throws InstagramPayloadInvalidError (400) when a verified body is not a notification (not JSON,
   *   no `entry`, an entry without `id`/`time`, a change without `field`, `object` not
   *   `instagram`, more than 1000 updates).
   */
  verify(signatureHeader: string | string[] | undefined, rawBody: Buffer): WebhookChange[]
}

/** Creates the verifier; `nowSec` (Unix seconds) replaces the wall clock in tests. */
export function createInstagramVerifier(
  settings: InstagramWebhookSettings,
  nowSec: () => number = () => Math.floor(Date.now() / 1000),
): InstagramVerifier {
  // made once: a string secret would be converted to a key on every notification
  const secrets = settings.secrets.map((s) => createSecretKey(s, 'utf8'))
  return {
    verify(signatureHeader, rawBody) {
      const check = verifyWebhookSignature({ header: signatureHeader, rawBody, secrets })
      if (!check.ok) {
        throw withDetails(new WebhookUnauthorizedError(check.reason.replaceAll('_', ' ')), {
          reason: check.reason,
        })
      }
      let notification: ReturnType<typeof parseWebhookNotification>
      try {
        notification = parseWebhookNotification(rawBody)
      } catch (err) {
        if (err instanceof InstagramWebhookPayloadError) throw new InstagramPayloadInvalidError(err.message)
        throw err
      }
      if (notification.object !== 'instagram') {
        throw new InstagramPayloadInvalidError(
          `object is ${JSON.stringify(notification.object)}, not "instagram"`,
        )
      }
      const oldest = nowSec() - settings.maxAgeSec
      if (notification.changes.some((c) => c.time < oldest)) {
        throw withDetails(new WebhookUnauthorizedError('notification older than the accepted age'), {
          reason: 'stale_notification',
        })
      }
      return notification.changes
    },
  }
}
