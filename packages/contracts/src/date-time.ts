import { Type } from 'typebox'

/**
 * An RFC 3339 date-time (`2024-05-01T12:00:00Z`, `2024-05-01T14:00:00.250+02:00`) that a
 * PostgreSQL `timestamptz` and a JS `Date` both hold: year 0001–9999, hours 00–23, seconds
 * 00–59 (no leap second `:60`: `Date` cannot parse it), offset `Z` or `±hh:mm`. RFC 3339 and the
 * JSON Schema `date-time` format allow year 0000 and `:60`; PostgreSQL refuses the first.
 */
export const DATE_TIME_PATTERN =
  '^(?!0000)[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt](?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:\\.[0-9]+)?(?:[Zz]|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9])$'

const DATE_TIME_RE = new RegExp(DATE_TIME_PATTERN)

/** First and last instants a date-time may name once in UTC (PostgreSQL and ISO 8601 four-digit years). */
export const MIN_DATE_TIME = new Date('0001-01-01T00:00:00.000Z')
export const MAX_DATE_TIME = new Date('9999-12-31T23:59:59.999Z')

/**
 * ISO 8601 timestamp as we take it in and give it out. The pattern catches what a schema can
 * see; {@link parseDateTime} is what turns one into a `Date` (it also catches an offset that
 * moves the instant out of range, e.g. `0001-01-01T00:00:00+01:00`).
 */
export const IsoDateTime = Type.String({ format: 'date-time', pattern: DATE_TIME_PATTERN })

/**
 * The one way to turn a date-time we were given (query, cursor, event) into a `Date`.
 * @returns the instant, or null when `value` is not an {@link IsoDateTime}, names a day that does
 *   not exist (`2023-02-29`), or lies outside MIN_DATE_TIME..MAX_DATE_TIME once in UTC — so the
 *   caller answers 400 instead of handing PostgreSQL a value it refuses.
 */
export function parseDateTime(value: string): Date | null {
  if (!DATE_TIME_RE.test(value)) return null
  const year = Number(value.slice(0, 4))
  const month = Number(value.slice(5, 7))
  const day = Number(value.slice(8, 10))
  const calendar = new Date(Date.UTC(2000, month - 1, day))
  calendar.setUTCFullYear(year)
  if (calendar.getUTCMonth() !== month - 1 || calendar.getUTCDate() !== day) return null
  const at = new Date(value.toUpperCase())
  if (Number.isNaN(at.getTime()) || at < MIN_DATE_TIME || at > MAX_DATE_TIME) return null
  return at
}
