import { Writable } from 'node:stream'
import { createFastifyOptions } from '@social-bridge/service-kit'
import Fastify from 'fastify'
import t from 'tap'
import publishApp from '../../src/app.js'
import { buildStack, createPost, media, uploadMedia, waitForPost } from '../helper.js'
import { connectInstagram, reelPost, serveReels } from '../instagram.js'

t.test('a Reel published through failures logs no access token and stores none', async (t) => {
  // The first replica serves HTTP (and the public media URL); the worker runs in a replica logging at debug.
  const stack = await buildStack(t, { worker: false })
  await serveReels(t, stack)
  const lines: string[] = []
  const logStream = new Writable({
    write(chunk, _enc, cb) {
      lines.push(chunk.toString())
      cb()
    },
  })
  const worker = Fastify(createFastifyOptions({ service: 'publish-service', logLevel: 'debug', logStream }))
  await worker.register(publishApp, { config: { ...stack.config, WORKER_ENABLED: true } })
  t.teardown(() => worker.close())
  await worker.ready()

  const { connectionId, tokens } = await connectInstagram(stack)
  // A container creation answered 500 (outcome unknown, logged with its error), then a 503 on media_publish.
  stack.sandbox.injectFault({ endpoint: 'ig.media.create', kind: 'internal_error' })
  stack.sandbox.injectFault({ endpoint: 'ig.media.publish', kind: 'internal_error', status: 503 })
  const mediaId = (await uploadMedia(stack.app, media('clip-15s-vertical.mp4'))).json().id as string
  const res = await createPost(stack.app, reelPost(connectionId, mediaId))
  const post = await waitForPost(
    stack.app,
    res.json().id,
    (p) => p.status === 'published' || p.status === 'failed',
  )
  t.equal(post.status, 'published', String(post.failMessage))
  const text = lines.join('')
  t.match(text, /container creation outcome unknown/, 'the failures were logged')
  t.ok(tokens().length > 0)
  for (const token of tokens()) t.notOk(text.includes(token), 'no access token in the logs')
  t.notMatch(text, /access_token=(?!\[REDACTED\])/, 'no access_token value in any logged URL')
  const dump = await stack.app.sql`select t::text as row from publish.posts t`
  for (const token of tokens())
    t.notOk(
      dump.some((r) => String(r.row).includes(token)),
      'no access token in the posts table',
    )
})
