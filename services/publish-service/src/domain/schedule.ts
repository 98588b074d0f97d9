import { MAX_SCHEDULE_AHEAD_DAYS, parseDateTime } from '@social-bridge/contracts'
import { withDetails } from '@social-bridge/service-kit'
import { ScheduledAtOutOfRangeError } from '../errors.js'

const DAY_MS = 86_400_000

/**
 * The instant a post is scheduled for: `scheduledAt` (ISO 8601) must lie after `now` and at most
 * `MAX_SCHEDULE_AHEAD_DAYS` (120) days ahead.
 * @returns the instant.
 * @throws ScheduledAtOutOfRangeError (422) with `details.scheduledAt`, `earliest`, `latest`.
 */
export function checkScheduledAt(scheduledAt: string, now = new Date()): Date {
  const at = parseDateTime(scheduledAt)
  const latest = new Date(now.getTime() + MAX_SCHEDULE_AHEAD_DAYS * DAY_MS)
  if (at && at > now && at <= latest) return at
  const why = !at
    ? 'is not a valid date-time'
    : at <= now
      ? 'is not in the future'
      : `is more than ${MAX_SCHEDULE_AHEAD_DAYS} days ahead`
  throw withDetails(new ScheduledAtOutOfRangeError(`scheduledAt ${why}`), {
    scheduledAt,
    earliest: now.toISOString(),
    latest: latest.toISOString(),
  })
}
