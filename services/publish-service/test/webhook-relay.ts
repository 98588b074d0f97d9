/**
 * Test stand-in for webhook-ingest (not a dependency of this package): receives the sandbox's
 * signed webhooks, verifies them with tiktok-client, and publishes the contracts
 * `tiktok.webhook.<event>` v2 envelope to JetStream exactly as webhook-ingest does
 * (id = SHA-256 of the raw body, data = TikTokWebhookV2: tiktok-client's normalised event).
 */
import { createHash } from 'node:crypto'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { connect } from '@nats-io/transport-node'
import { TIKTOK_WEBHOOK_VERSION, type TikTokWebhookV2, tiktokWebhookSubject } from '@social-bridge/contracts'
import { createEventBus } from '@social-bridge/service-kit'
import { TEST_NATS_URL, type Teardownable } from '@social-bridge/service-kit/testing'
import { parseWebhookEvent, verifyWebhookSignature } from '@social-bridge/tiktok-client'

/** Starts the relay on port 0; returns its URL (give it to the sandbox as `webhookUrl`). */
export async function startWebhookRelay(
  t: Teardownable,
  opts: { namespace: string; clientSecret: string },
): Promise<string> {
  const nc = await connect({ servers: TEST_NATS_URL })
  const bus = createEventBus(nc, opts.namespace)
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = []
    for await (const c of req) chunks.push(c as Buffer)
    const raw = Buffer.concat(chunks)
    const verified = verifyWebhookSignature({
      header: req.headers['tiktok-signature'],
      rawBody: raw,
      secrets: opts.clientSecret,
    })
    if (!verified.ok) {
      res.writeHead(401).end()
      return
    }
    const event = parseWebhookEvent(raw)
    const subject = tiktokWebhookSubject(event.event)
    const data: TikTokWebhookV2 = {
      clientKey: event.clientKey,
      event: event.event,
      createTime: event.createTime,
      content: event.content,
      receivedAt: new Date().toISOString(),
      ...(event.userOpenId ? { userOpenId: event.userOpenId } : {}),
    }
    try {
      await bus.publish(subject, {
        id: createHash('sha256').update(raw).digest('hex'),
        type: subject,
        version: TIKTOK_WEBHOOK_VERSION,
        occurredAt: new Date(event.createTime * 1000).toISOString(),
        tenantId: null,
        data,
      })
      res.writeHead(200).end()
    } catch {
      res.writeHead(503).end()
    }
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(async () => {
    server.closeAllConnections()
    await new Promise((r) => server.close(r))
    await nc.close()
  })
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/tiktok`
}
