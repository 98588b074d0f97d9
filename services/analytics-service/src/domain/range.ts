import { type AnalyticsRangeQuery, MIN_DATE_TIME, parseDateTime } from '@social-bridge/contracts'
import { defineError, withDetails } from '@social-bridge/service-kit'
import type { Range } from '../repositories/read-model.js'

const InvalidRangeError = defineError('VALIDATION_FAILED', 400, '%s')

/** Default history length when `from` is omitted: 30 days, in ms. */
export const DEFAULT_RANGE_MS = 30 * 86_400_000

/**
 * The history range of a request: `to` defaults to now (app clock) with an open end (Range.openEnd),
 * `from` to 30 days before `to` (not before MIN_DATE_TIME).
 * @throws 400 VALIDATION_FAILED when `from` or `to` is not a date-time PostgreSQL can store
 *   (contracts `parseDateTime`: year 0001–9999 in UTC, no leap second), or `from` is after `to`.
 */
export function resolveRange(query: AnalyticsRangeQuery, now: Date): Range {
  const to = query.to === undefined ? now : parsed('to', query.to)
  const from =
    query.from === undefined
      ? new Date(Math.max(to.getTime() - DEFAULT_RANGE_MS, MIN_DATE_TIME.getTime()))
      : parsed('from', query.from)
  if (from > to) throw new InvalidRangeError('from must not be after to')
  return { from, to, openEnd: query.to === undefined }
}

function parsed(name: 'from' | 'to', value: string): Date {
  const at = parseDateTime(value)
  if (at) return at
  throw withDetails(
    new InvalidRangeError(
      `${name} must be an ISO 8601 date-time between 0001-01-01T00:00:00Z and 9999-12-31T23:59:59.999Z`,
    ),
    { issues: [{ path: `/${name}`, message: 'not a storable date-time' }] },
  )
}

/** The range as ISO strings, for the response. */
export const rangeDto = (r: Range) => ({ from: r.from.toISOString(), to: r.to.toISOString() })
