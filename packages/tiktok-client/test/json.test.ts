import t from 'tap'
import { parseJson, toIdString } from '../src/index.js'

t.test('19-digit ids above 2^53 come out as exact strings', async (t) => {
  const parsed = parseJson('{"publicaly_available_post_id":[7077642457847994444,7123456789012345678]}') as {
    publicaly_available_post_id: unknown[]
  }
  t.same(parsed.publicaly_available_post_id, ['7077642457847994444', '7123456789012345678'])
})

t.test('safe integers and decimals stay numbers', async (t) => {
  t.same(parseJson('{"a":86400,"b":-3,"c":1.5,"d":9007199254740991}'), {
    a: 86400,
    b: -3,
    c: 1.5,
    d: 9007199254740991,
  })
})

t.test('both parsers give the same values: with and without a 16-digit run', async (t) => {
  // the first body has no 16-digit run (JSON.parse), the second has one (lossless-json)
  const short = '{"a":86400,"b":-3.25e2,"c":123456789012345,"d":"x","d":"last","e":[true,null]}'
  const long = short.replace('"x"', '"1234567890123456"')
  const expected = { a: 86400, b: -325, c: 123456789012345, d: 'last', e: [true, null] }
  t.same(parseJson(short), expected)
  t.same(parseJson(long), expected)
  t.same(parseJson('{"n":1234567890123456,"m":9007199254740993}'), {
    n: 1234567890123456,
    m: '9007199254740993',
  })
  t.throws(() => parseJson('{"a":1,}'), SyntaxError)
  t.throws(() => parseJson('{"a":"1234567890123456",}'), SyntaxError)
})

t.test('an empty body parses to undefined and invalid JSON throws', async (t) => {
  t.equal(parseJson('  '), undefined)
  t.throws(() => parseJson('{nope'))
})

t.test('ids given as numbers or strings normalise to strings', async (t) => {
  t.equal(toIdString(12), '12')
  t.equal(toIdString('7077642457847994444'), '7077642457847994444')
  t.throws(() => toIdString(null))
})
