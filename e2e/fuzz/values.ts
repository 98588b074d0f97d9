import fc, { type Arbitrary } from 'fast-check'
import type { JsonSchema } from './operations.js'

/** Ids of real things in the stack, so valid requests reach the services' deeper paths. */
export interface KnownIds {
  uuids: string[]
  /** The ids that fit a field or parameter name (`connectionId`, `mediaId`, `postId`). */
  byName: Record<string, string[]>
  /** `source.url` values: verified (PULL_FROM_URL works) and not. */
  urls: string[]
}

/** Strings that break naive code: escapes, traversal, prototype keys, numbers, markup, control and wide characters. */
export const ODD_STRINGS = [
  '',
  ' ',
  '%ZZ',
  '%',
  '%E0%A4%A',
  '%ED%A0%80',
  '%00',
  '..',
  '../..',
  '__proto__',
  'constructor',
  'prototype',
  'null',
  'undefined',
  'NaN',
  '-1',
  '1e309',
  'true',
  '[]',
  '{}',
  '<script>alert(1)</script>',
  "' OR 1=1 --",
  '\u0000',
  '\uFEFF',
  '\uD800',
  'ǅ😀\u200Dé',
  'x'.repeat(101),
  'y'.repeat(5000),
]

/**
 * URLs for `source.url`: none leaves this machine (`.invalid` never resolves, RFC 2606; the
 * verified prefix is served locally by the stack).
 */
const ODD_URLS = [
  'https://fuzz.invalid/v.mp4',
  'http://127.0.0.1:1/v.mp4',
  'ftp://fuzz.invalid/v.mp4',
  'https://user:pass@media.socialbridge.test/clip-15s-vertical.mp4',
  'https://media.socialbridge.test.fuzz.invalid/clip-15s-vertical.mp4',
  'https://media.socialbridge.test/../../../etc/passwd',
  'https://media.socialbridge.test/%2e%2e/%2e%2e/etc/passwd',
  'https://media.socialbridge.test/no-such-file.mp4',
  'javascript:alert(1)',
  'data:video/mp4;base64,AAAA',
]

/** Ids: canonical UUIDs, the stack's own, and the odd forms a UUID parser might accept. */
export function idArbitrary(known: KnownIds): Arbitrary<string> {
  const uuid = fc.uuid()
  return fc.oneof(
    { weight: 4, arbitrary: uuid },
    { weight: known.uuids.length ? 4 : 0, arbitrary: fc.constantFrom(...known.uuids, '') },
    { weight: 1, arbitrary: uuid.map((u) => `urn:uuid:${u}`) },
    { weight: 1, arbitrary: uuid.map((u) => u.toUpperCase()) },
    { weight: 1, arbitrary: uuid.map((u) => `{${u}}`) },
    { weight: 1, arbitrary: uuid.map((u) => u.replaceAll('-', '')) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        '00000000-0000-0000-0000-000000000000',
        'ffffffff-ffff-ffff-ffff-ffffffffffff',
        '3f1b2c4d-5e6f-4a1b-8c2d-3e4f5a6b7c8', // one digit short
      ),
    },
    { weight: 2, arbitrary: fc.constantFrom(...ODD_STRINGS) },
    { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  )
}

/** Date-times: ordinary ones, the extremes of the calendar, leap seconds, and near-misses. */
export function dateTimeArbitrary(): Arbitrary<string> {
  return fc.oneof(
    {
      weight: 3,
      arbitrary: fc
        .date({
          min: new Date('1900-01-01T00:00:00Z'),
          max: new Date('2100-01-01T00:00:00Z'),
          noInvalidDate: true,
        })
        .map((d) => d.toISOString()),
    },
    {
      weight: 2,
      arbitrary: fc.constantFrom(
        '0000-01-01T00:00:00Z',
        '0001-01-01T00:00:00Z',
        '2016-12-31T23:59:60Z',
        '1970-01-01T00:00:00Z',
        '9999-12-31T23:59:59.999Z',
        '9999-12-31T23:59:59-01:00',
        '+275760-09-13T00:00:00.000Z',
        '2024-02-29T12:00:00+14:00',
        '2023-02-29T00:00:00Z',
        '2024-13-01T00:00:00Z',
        '2024-01-01',
        '2024-01-01T25:00:00Z',
        'now',
        '1e10',
      ),
    },
  )
}

/**
 * A value of `schema`: with `clean`, one it accepts and the stack knows (real ids, verified
 * URLs, ordinary dates and strings) so the request gets past validation into the services;
 * otherwise mostly acceptable to the schema but odd (odd ids, extreme dates, tricky strings).
 */
export function validValue(
  schema: JsonSchema,
  known: KnownIds,
  clean = false,
  name = '',
): Arbitrary<unknown> {
  const value = validNonNull(schema, known, clean, name)
  if (!schema.nullable) return value
  return fc.oneof({ weight: 4, arbitrary: value }, { weight: 1, arbitrary: fc.constant(null) })
}

function cleanString(schema: JsonSchema, known: KnownIds, name: string): Arbitrary<string> {
  const ids = known.byName[name] ?? known.uuids
  if (schema.format === 'uuid') return ids.length ? fc.constantFrom(...ids) : fc.uuid()
  if (schema.format === 'date-time')
    return fc
      .date({
        min: new Date('2020-01-01T00:00:00Z'),
        max: new Date('2030-01-01T00:00:00Z'),
        noInvalidDate: true,
      })
      .map((d) => d.toISOString())
  if (schema.format === 'uri') return fc.constantFrom(...known.urls)
  return fc.string({ minLength: schema.minLength ?? 0, maxLength: Math.min(schema.maxLength ?? 30, 30) })
}

function validNonNull(schema: JsonSchema, known: KnownIds, clean: boolean, name: string): Arbitrary<unknown> {
  if (schema.anyOf?.length) return fc.oneof(...schema.anyOf.map((s) => validValue(s, known, clean, name)))
  if (schema.allOf?.length) return validValue(Object.assign({}, ...schema.allOf), known, clean, name)
  if (schema.enum?.length) return fc.constantFrom(...schema.enum)
  if (clean && schema.type === 'string') return cleanString(schema, known, name)
  if (clean && schema.type === 'integer')
    return fc.integer({ min: schema.minimum ?? 0, max: Math.min(schema.maximum ?? 1000, 1000) })
  switch (schema.type) {
    case 'string':
      if (schema.format === 'uuid') return idArbitrary(known)
      if (schema.format === 'date-time') return dateTimeArbitrary()
      if (schema.format === 'uri')
        return fc.oneof(fc.constantFrom(...known.urls, ...ODD_URLS), fc.constantFrom(...ODD_STRINGS))
      return fc.oneof(
        { weight: 4, arbitrary: fc.string({ maxLength: Math.min(schema.maxLength ?? 60, 60) }) },
        { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 200 }) },
        { weight: 1, arbitrary: fc.constantFrom(...ODD_STRINGS) },
      )
    case 'integer':
      return fc.oneof(
        fc.integer({ min: schema.minimum ?? -1000, max: schema.maximum ?? 100_000 }),
        fc.constantFrom(schema.minimum ?? 0, schema.maximum ?? 0, -1, 2 ** 31, Number.MAX_SAFE_INTEGER + 2),
      )
    case 'number':
      return fc.double({ noNaN: true })
    case 'boolean':
      return fc.boolean()
    case 'array':
      return fc.array(validValue(schema.items ?? {}, known, clean), { maxLength: 3 })
    case 'object':
      return objectValue(schema, known, clean)
    default:
      return fc.jsonValue()
  }
}

function objectValue(
  schema: JsonSchema,
  known: KnownIds,
  clean: boolean,
): Arbitrary<Record<string, unknown>> {
  const props = Object.fromEntries(
    Object.entries(schema.properties ?? {}).map(([name, s]) => [name, validValue(s, known, clean, name)]),
  )
  return fc.record(props, { requiredKeys: (schema.required ?? []).filter((k) => k in props) })
}

/** Any JSON value of a wrong kind: what a schema must refuse where it wants something else. */
export const anyJson: Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  fc.constantFrom(0, -1, 1.5, true, null, [], {}, '', 'x'.repeat(10_000)),
)
