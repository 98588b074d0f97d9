import { Type } from 'typebox'

/**
 * A UUID in its canonical text form, 8-4-4-4-12 hex digits (RFC 9562 §4), either case. The JSON
 * Schema `uuid` format alone also accepts `urn:uuid:<uuid>`, which PostgreSQL's `uuid` type
 * refuses; the pattern keeps every id we take in to what our columns store.
 */
export const UUID_PATTERN = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$'

const UUID_RE = new RegExp(UUID_PATTERN)

/**
 * Identifiers we mint are UUIDs: every id path parameter, and every id in a body or query, uses
 * this schema (invalid → 400 `VALIDATION_FAILED`, never a database error).
 */
export const Uuid = Type.String({ format: 'uuid', pattern: UUID_PATTERN })

/** True when `value` is a UUID {@link Uuid} accepts (e.g. an id read back from an opaque cursor). */
export const isUuid = (value: string): boolean => UUID_RE.test(value)
