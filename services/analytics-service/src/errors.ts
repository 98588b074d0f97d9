import { defineError } from '@social-bridge/service-kit'

/** 429: an on-demand sync of this account was accepted less than 5 minutes ago (`details.retryAfterSec`). */
export const SyncTooFrequentError = defineError(
  'SYNC_TOO_FREQUENT',
  429,
  'This account was synced on demand less than %s seconds ago',
)

/** 409: the account is reauth_required, revoked or disconnected: it is not synced (shown as stale). */
export const ConnectionNotActiveError = defineError(
  'CONNECTION_NOT_ACTIVE',
  409,
  'This account is not active (%s); reconnect it to resume analytics',
)
