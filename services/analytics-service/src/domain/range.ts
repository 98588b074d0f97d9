import type { AnalyticsRangeQuery } from '@social-bridge/contracts'
import { defineError } from '@social-bridge/service-kit'
import type { Range } from '../repositories/read-model.js'

const InvalidRangeError = defineError('VALIDATION_FAILED', 400, '%s')

/** Default history length when `from` is omitted: 30 days, in ms. */
export const DEFAULT_RANGE_MS = 30 * 86_400_000

/**
 * The history range of a request: `to` defaults to now (app clock) with an open end (Range.openEnd),
 * `from` to 30 days before `to`.
 * @throws 400 VALIDATION_FAILED when `from` is after `to`.
 */
export function resolveRange(query: AnalyticsRangeQuery, now: Date): Range {
  const to = query.to ? new Date(query.to) : now
  const from = query.from ? new Date(query.from) : new Date(to.getTime() - DEFAULT_RANGE_MS)
  if (from > to) throw new InvalidRangeError('from must not be after to')
  return { from, to, openEnd: !query.to }
}

/** The range as ISO strings, for the response. */
export const rangeDto = (r: Range) => ({ from: r.from.toISOString(), to: r.to.toISOString() })
