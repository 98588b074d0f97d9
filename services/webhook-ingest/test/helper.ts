import { createHash } from 'node:crypto'
import {
  type Envelope,
  type InstagramWebhookV1,
  Streams,
  type TikTokWebhookV2,
} from '@social-bridge/contracts'
import { signWebhookPayload } from '@social-bridge/instagram-client'
import { createFastifyOptions, loadConfig } from '@social-bridge/service-kit'
import {
  createTestNamespace,
  type StoredMessage as KitStoredMessage,
  waitUntil as kitWaitUntil,
  readStream,
  TEST_NATS_URL,
  type Teardownable,
} from '@social-bridge/service-kit/testing'
import { signWebhook } from '@social-bridge/tiktok-client'
import Fastify, { type FastifyInstance } from 'fastify'
import appPlugin, { SERVICE_NAME } from '../src/app.js'
import { Config, WEBHOOK_BODY_LIMIT_BYTES } from '../src/config.js'

/** The sandbox's default credentials, so a default sandbox is a valid sender. */
export const CLIENT_KEY = 'sbx_client_key'
export const CLIENT_SECRET = 'sbx_client_secret'
/** The Instagram emulator's default app secret, and the verify token the tests configure. */
export const IG_APP_SECRET = 'sbx_ig_app_secret'
export const IG_VERIFY_TOKEN = 'sbx_ig_verify_token'

/** The service's config for a test: env defaults plus `env`. */
export function testConfig(env: Record<string, string> = {}): Config {
  return loadConfig(Config, {
    PORT: '0',
    LOG_LEVEL: 'silent',
    NATS_URL: TEST_NATS_URL,
    TIKTOK_CLIENT_KEY: CLIENT_KEY,
    TIKTOK_CLIENT_SECRET: CLIENT_SECRET,
    INSTAGRAM_APP_SECRET: IG_APP_SECRET,
    INSTAGRAM_WEBHOOK_VERIFY_TOKEN: IG_VERIFY_TOKEN,
    ...env,
  })
}

/**
 * Builds the app (not listening) on its own NATS namespace unless `env` names one; closed at
 * teardown. `nowSec` (Unix seconds) replaces the wall clock of the signature tolerance.
 */
export async function build(
  t: Teardownable,
  env: Record<string, string> = {},
  opts: { nowSec?: () => number } = {},
): Promise<FastifyInstance> {
  const config = testConfig({ NATS_NAMESPACE: env.NATS_NAMESPACE ?? createTestNamespace(t), ...env })
  const app = Fastify(
    createFastifyOptions({ service: SERVICE_NAME, logLevel: 'silent', bodyLimit: WEBHOOK_BODY_LIMIT_BYTES }),
  )
  await app.register(appPlugin, { config, ...opts })
  t.teardown(() => app.close())
  await app.ready()
  return app
}

/** A webhook body as TikTok sends it (docs/tiktok-api.md §4.3); `content` objects become a JSON string. */
export function webhookBody(
  fields: {
    client_key?: string
    event?: string
    create_time?: number
    user_openid?: string
    content?: string | Record<string, unknown>
  } = {},
): string {
  const { content = { publish_id: 'v_pub_file~v2-1.1', publish_type: 'DIRECT_POST' }, ...rest } = fields
  return JSON.stringify({
    client_key: CLIENT_KEY,
    event: 'post.publish.complete',
    create_time: 1_700_000_000,
    user_openid: 'open_id_1',
    ...rest,
    content: typeof content === 'string' ? content : JSON.stringify(content),
  })
}

/** Headers of a signed delivery: `TikTok-Signature` over `body` with `secret` at `timestampSec` (default now). */
export function signedHeaders(
  body: string | Buffer,
  opts: { secret?: string; timestampSec?: number } = {},
): Record<string, string> {
  return {
    'content-type': 'application/json',
    'tiktok-signature': signWebhook({
      secret: opts.secret ?? CLIENT_SECRET,
      rawBody: body,
      timestampSec: opts.timestampSec,
    }),
  }
}

/** Delivers `body` to `POST /webhooks/tiktok` through `app.inject`, signed unless `headers` are given. */
export function deliver(app: FastifyInstance, body: string | Buffer, headers = signedHeaders(body)) {
  return app.inject({ method: 'POST', url: '/webhooks/tiktok', headers, payload: body })
}

/** Hex SHA-256, the envelope id of a raw body. */
export const sha256Hex = (body: string | Buffer): string => createHash('sha256').update(body).digest('hex')

/** One message of the webhook stream (subject without the namespace, `Nats-Msg-Id`, envelope). */
export type StoredMessage = KitStoredMessage<Envelope<TikTokWebhookV2>>

/** Every message of the webhook stream under `namespace`, read with its own connection to `servers`. */
export const storedMessages = (namespace: string, servers = TEST_NATS_URL): Promise<StoredMessage[]> =>
  readStream<Envelope<TikTokWebhookV2>>(namespace, { stream: Streams.tiktokWebhooks, servers })

/** Polls `check` until it holds; false after `timeoutMs` (default 15 s). */
export const waitUntil = (check: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<boolean> =>
  kitWaitUntil(check, timeoutMs)

/** One `comments` change value as Meta sends it (docs/instagram-api.md "Webhooks"). */
export function commentValue(id: string, mediaId = '18000000000000001', text = 'Nice reel!') {
  return {
    id,
    text,
    from: { id: '9000000000000001', username: 'fan_1' },
    media: { id: mediaId, media_product_type: 'REELS' },
  }
}

/** A notification body: one entry per account, `time` default now (Unix seconds). */
export function igNotification(
  entries: { id?: string; time?: number; changes: { field: string; value: unknown }[] }[],
): string {
  const now = Math.floor(Date.now() / 1000)
  return JSON.stringify({
    object: 'instagram',
    entry: entries.map((e) => ({ id: e.id ?? '17841400000000001', time: e.time ?? now, changes: e.changes })),
  })
}

/** Headers of a signed Instagram delivery (`X-Hub-Signature-256` with `secret`). */
export function igHeaders(body: string | Buffer, secret = IG_APP_SECRET): Record<string, string> {
  return { 'content-type': 'application/json', 'x-hub-signature-256': signWebhookPayload(secret, body) }
}

/** Delivers `body` to `POST /webhooks/instagram`, signed unless `headers` are given. */
export function deliverInstagram(app: FastifyInstance, body: string | Buffer, headers = igHeaders(body)) {
  return app.inject({ method: 'POST', url: '/webhooks/instagram', headers, payload: body })
}

/** Every message of the Instagram webhook stream under `namespace`. */
export const storedInstagramMessages = (
  namespace: string,
  servers = TEST_NATS_URL,
): Promise<KitStoredMessage<Envelope<InstagramWebhookV1>>[]> =>
  readStream<Envelope<InstagramWebhookV1>>(namespace, { stream: Streams.instagramWebhooks, servers })
