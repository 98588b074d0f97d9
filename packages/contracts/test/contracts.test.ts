import t from 'tap'
import { Value } from 'typebox/value'
import {
  ErrorResponse,
  EventEnvelope,
  EventPayloads,
  namespacedStream,
  PostPublishedV1,
  Streams,
  Subjects,
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
