import t from 'tap'
import { Value } from 'typebox/value'
import {
  AnalyticsRangeQuery,
  CreatePostRequest,
  ErrorResponse,
  EventEnvelope,
  EventPayloads,
  IsoDateTime,
  isUuid,
  namespacedStream,
  PostPublishedV1,
  parseDateTime,
  Streams,
  Subjects,
  TIKTOK_WEBHOOK_VERSION,
  TikTokWebhookAnyVersion,
  TikTokWebhookFilters,
  TikTokWebhookV2,
  tiktokWebhookData,
  Uuid,
} from '../src/index.js'

t.test('an envelope with a 19-digit post id as a string validates', async (t) => {
  const schema = EventEnvelope(PostPublishedV1)
  const ok = {
    id: 'evt-1',
    type: Subjects.postPublished,
    version: 1,
    occurredAt: new Date().toISOString(),
    tenantId: 'tenant-a',
    data: {
      postId: '0b9c7e53-4c1b-4d71-9bb7-1c9b3b1f4d11',
      connectionId: '8a1f2a8e-3d5b-4f0c-9a35-52f0b7c6d2aa',
      publishId: 'v_pub_file~v2-1.123',
      tiktokPostIds: ['7321234567890123456'],
    },
  }
  t.ok(Value.Check(schema, ok))
  t.notOk(Value.Check(schema, { ...ok, data: { ...ok.data, tiktokPostIds: [7321234567] } }))
  t.notOk(Value.Check(schema, { ...ok, version: 0 }))
})

t.test('every domain subject has a payload schema under the social stream', async (t) => {
  for (const subject of Object.values(Subjects)) {
    t.ok(EventPayloads[subject], subject)
    t.ok(subject.startsWith('social.'), subject)
  }
})

t.test('a namespace prefixes subjects and gives a dot-free stream name', async (t) => {
  const s = namespacedStream('t_ab12', Streams.tiktokWebhooks)
  t.equal(s.name, 'T_AB12_TIKTOK_WEBHOOKS')
  t.same(s.subjects, ['t_ab12.tiktok.webhook.>'])
  t.equal(namespacedStream('', Streams.socialEvents), Streams.socialEvents)
})

t.test('the error shape requires a SNAKE_CASE code and a request id', async (t) => {
  t.ok(Value.Check(ErrorResponse, { error: { code: 'NOT_FOUND', message: 'x' }, requestId: 'r1' }))
  t.notOk(Value.Check(ErrorResponse, { error: { code: 'notFound', message: 'x' }, requestId: 'r1' }))
  t.notOk(Value.Check(ErrorResponse, { error: { code: 'NOT_FOUND', message: 'x' } }))
})

const webhookEnvelope = (version: number, data: unknown) => ({
  id: 'a'.repeat(64),
  type: 'tiktok.webhook.post.publish.publicly_available',
  version,
  occurredAt: '2026-01-02T03:04:05.000Z',
  tenantId: null,
  data: data as TikTokWebhookAnyVersion,
})
const v1Data = (content: Record<string, unknown>) => ({
  clientKey: 'k',
  event: 'post.publish.publicly_available',
  createTime: 1_700_000_000,
  userOpenId: 'open_1',
  content,
  receivedAt: '2026-01-02T03:04:05.000Z',
})

t.test('a v1 webhook still in the stream is read as the normalised v2 payload', async (t) => {
  const raw = { publish_id: 'v_pub_file~v2-1.1', post_id: '7304512345678901234', publish_type: 'DIRECT_POST' }
  const env = webhookEnvelope(1, v1Data(raw))
  t.ok(Value.Check(EventEnvelope(TikTokWebhookAnyVersion), env), 'a consumer accepts it')
  const data = tiktokWebhookData(env)
  t.ok(Value.Check(TikTokWebhookV2, data), 'v2-valid')
  t.same(data, {
    ...v1Data(raw),
    content: {
      publishId: 'v_pub_file~v2-1.1',
      postId: '7304512345678901234',
      publishType: 'DIRECT_POST',
      raw,
    },
  })
})

t.test(
  'v1 ids sent as numbers become strings; a post_id that is not an id is left in raw only',
  async (t) => {
    const removed = tiktokWebhookData(webhookEnvelope(1, v1Data({ reason: 1 })))
    t.same(removed.content, { reason: 1, raw: { reason: 1 } })
    const small = tiktokWebhookData(webhookEnvelope(1, v1Data({ post_id: 12345, request_id: 9 })))
    t.match(small.content, { postId: '12345', requestId: '9' })
    const odd = tiktokWebhookData(webhookEnvelope(1, v1Data({ publish_id: 'p', post_id: 'not-an-id' })))
    t.same(odd.content, { publishId: 'p', raw: { publish_id: 'p', post_id: 'not-an-id' } })
    t.ok(Value.Check(TikTokWebhookV2, odd))
  },
)

t.test('a v2 webhook is read as it is; an unknown version is refused', async (t) => {
  const v2 = {
    ...v1Data({}),
    content: { publishId: 'p', postId: '7304512345678901234', raw: { publish_id: 'p', post_id: 7 } },
  }
  const env = webhookEnvelope(TIKTOK_WEBHOOK_VERSION, v2)
  t.ok(Value.Check(EventEnvelope(TikTokWebhookV2), env))
  t.equal(tiktokWebhookData(env), env.data, 'no copy, no change')
  t.notOk(Value.Check(TikTokWebhookV2, { ...v2, content: { ...v2.content, postId: 'x1' } }), 'postId digits')
  t.notOk(Value.Check(TikTokWebhookV2, v1Data({ publish_id: 'p' })), 'a v1 payload is not v2')
  t.throws(() => tiktokWebhookData(webhookEnvelope(3, v2)), { name: 'UnknownTikTokWebhookVersionError' })
})

t.test('the webhook filters are subjects of the webhook stream', async (t) => {
  t.same(TikTokWebhookFilters, {
    authorizationRemoved: 'tiktok.webhook.authorization.removed',
    postPublish: 'tiktok.webhook.post.publish.>',
    postPubliclyAvailable: 'tiktok.webhook.post.publish.publicly_available',
  })
  for (const filter of Object.values(TikTokWebhookFilters))
    t.ok(filter.startsWith(`${Streams.tiktokWebhooks.subjects[0]!.slice(0, -1)}`), filter)
})

t.test('ids are canonical UUIDs: the URN and other forms PostgreSQL refuses are not', async (t) => {
  const id = '0b9c7e53-4c1b-4d71-9bb7-1c9b3b1f4d11'
  for (const ok of [id, id.toUpperCase()]) {
    t.ok(Value.Check(Uuid, ok), ok)
    t.ok(isUuid(ok), ok)
  }
  for (const bad of [`urn:uuid:${id}`, `{${id}}`, id.replaceAll('-', ''), `${id}\n`, ` ${id}`, '']) {
    t.notOk(Value.Check(Uuid, bad), JSON.stringify(bad))
    t.notOk(isUuid(bad), JSON.stringify(bad))
  }
})

t.test('a date-time outside what PostgreSQL stores fails the schema or the parse', async (t) => {
  const good = {
    '2024-05-01T12:00:00Z': '2024-05-01T12:00:00.000Z',
    '2024-05-01t14:00:00.250+02:00': '2024-05-01T12:00:00.250Z',
    '2024-02-29T00:00:00Z': '2024-02-29T00:00:00.000Z',
    '0001-01-01T00:00:00Z': '0001-01-01T00:00:00.000Z',
    '9999-12-31T23:59:59.999Z': '9999-12-31T23:59:59.999Z',
  }
  for (const [value, iso] of Object.entries(good)) {
    t.ok(Value.Check(IsoDateTime, value), value)
    t.equal(parseDateTime(value)?.toISOString(), iso, value)
  }
  // refused by the schema already (year 0000, leap second, no offset, extended year)
  for (const bad of [
    '0000-01-01T00:00:00Z',
    '2016-12-31T23:59:60Z',
    '2024-05-01T12:00:00',
    '+010000-01-01T00:00:00.000Z',
    '2024-05-01T24:00:00Z',
  ]) {
    t.notOk(Value.Check(IsoDateTime, bad), bad)
    t.equal(parseDateTime(bad), null, bad)
  }
  // schema-valid in form, refused by the parse: no such day, or out of range once in UTC
  for (const bad of ['2023-02-29T00:00:00Z', '0001-01-01T00:00:00+01:00', '9999-12-31T23:30:00-01:00']) {
    t.equal(parseDateTime(bad), null, bad)
  }
  t.notOk(Value.Check(AnalyticsRangeQuery, { from: '0000-01-01T00:00:00Z' }), 'used by the analytics range')
})

t.test('every id field of a post request is a canonical UUID', async (t) => {
  const id = '0b9c7e53-4c1b-4d71-9bb7-1c9b3b1f4d11'
  const body = { connectionId: id, mode: 'direct', source: { mediaId: id }, privacyLevel: 'SELF_ONLY' }
  t.ok(Value.Check(CreatePostRequest, body))
  t.notOk(Value.Check(CreatePostRequest, { ...body, connectionId: `urn:uuid:${id}` }))
  t.notOk(Value.Check(CreatePostRequest, { ...body, source: { mediaId: `urn:uuid:${id}` } }))
})

t.test(
  'the cover timestamp is an int32 of milliseconds, as TikTok takes video_cover_timestamp_ms',
  async (t) => {
    const id = '0b9c7e53-4c1b-4d71-9bb7-1c9b3b1f4d11'
    const body = { connectionId: id, mode: 'direct', source: { mediaId: id }, privacyLevel: 'SELF_ONLY' }
    t.ok(Value.Check(CreatePostRequest, { ...body, coverTimestampMs: 2_147_483_647 }))
    t.notOk(Value.Check(CreatePostRequest, { ...body, coverTimestampMs: 2_147_483_648 }))
    t.notOk(Value.Check(CreatePostRequest, { ...body, coverTimestampMs: -1 }))
  },
)
