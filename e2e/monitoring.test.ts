import { randomUUID } from 'node:crypto'
import { exportedNames, TEST_ADMIN_DATABASE_URL, waitUntil } from '@social-bridge/service-kit/testing'
import { DEV_TIKTOK, startTestStack } from '@social-bridge/stack'
import { signWebhook } from '@social-bridge/tiktok-client'
import t from 'tap'
import { alertRules, dashboardQueries, metricNames, NOT_FROM_SERVICES } from './monitoring/files.js'
import { startPrometheus } from './monitoring/prometheus.js'
import { startTcpProxy } from './monitoring/tcp-proxy.js'

// A real Prometheus (Debian package) scrapes the running stack with deploy/monitoring's alert
// rules (`for:` cut to 1 s). Faults are real: publish-service reaches PostgreSQL through a TCP
// proxy the test cuts, which also stops its TikTok-webhook consumer from acknowledging, while 150
// signed webhooks arrive. The dashboards' and rules' metric names are checked against what the
// services export. One stack for the whole file.

const pg = new URL(TEST_ADMIN_DATABASE_URL)
const proxy = await startTcpProxy(t, { host: pg.hostname, port: Number(pg.port || 5432) })
const WEBHOOK_SECRET = `monitoring-test-${randomUUID()}`
const stack = await startTestStack(t, (name, env): Record<string, string> | undefined => {
  if (name === 'publish-service') {
    const url = new URL(env.DATABASE_URL as string)
    url.hostname = '127.0.0.1'
    url.port = String(proxy.port)
    return { DATABASE_URL: url.toString() }
  }
  // a second webhook secret the test signs with (verification accepts the previous secrets too)
  if (name === 'webhook-ingest') return { TIKTOK_CLIENT_SECRETS_PREVIOUS: WEBHOOK_SECRET }
  return undefined
})
const services = {
  gateway: stack.ports.gateway,
  'auth-service': stack.ports.auth,
  'publish-service': stack.ports.publish,
  'webhook-ingest': stack.ports.ingest,
  'analytics-service': stack.ports.analytics,
  'webhook-dispatch': stack.ports.dispatch,
}
const targets = Object.values(services).map((port) => `127.0.0.1:${port}`)
const prometheus = await startPrometheus(t, targets)

const firing = async (alertname: string, labels: Record<string, string> = {}) =>
  (await prometheus.alerts()).some(
    (a) =>
      a.labels.alertname === alertname &&
      a.state === 'firing' &&
      Object.entries(labels).every(([k, v]) => a.labels[k] === v),
  )

t.test('every metric a dashboard panel or an alert rule reads is exported by a service', async (t) => {
  const exported = new Set<string>()
  for (const port of Object.values(services)) {
    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text()
    for (const name of exportedNames(text)) exported.add(name)
  }
  const queries = [
    ...dashboardQueries().map((q) => ({ where: `${q.dashboard} / ${q.panel}`, expr: q.expr })),
    ...alertRules().map((r) => ({ where: `alert ${r.alert}`, expr: r.expr })),
  ]
  t.ok(queries.length >= 30, `${queries.length} queries read`)
  for (const { where, expr } of queries) {
    const names = metricNames(expr)
    t.ok(names.length > 0, `${where} reads a metric`)
    for (const name of names) {
      t.ok(exported.has(name) || NOT_FROM_SERVICES.has(name), `${where}: ${name} is exported`)
    }
  }
})

t.test(
  'PostgreSQL cut from publish-service, 150 webhooks unconsumed: alerts fire, then resolve',
  async (t) => {
    t.ok(await waitUntil(async () => (await prometheus.alerts()).length === 0, 30_000, 500), 'quiet at first')
    await proxy.cut()
    const now = Math.floor(Date.now() / 1000)
    for (let i = 0; i < 150; i++) {
      const body = JSON.stringify({
        client_key: DEV_TIKTOK.clientKey,
        event: 'post.publish.complete',
        create_time: now,
        user_openid: 'monitoring-test',
        content: JSON.stringify({ publish_id: `v_pub_file~monitoring-${i}`, publish_type: 'DIRECT_PUBLISH' }),
      })
      const res = await fetch(`${stack.ingest}/webhooks/tiktok`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'tiktok-signature': signWebhook({ secret: WEBHOOK_SECRET, rawBody: body, timestampSec: now }),
        },
        body,
      })
      t.equal(res.status, 200, 'stored') || t.bailout(await res.text())
    }
    t.ok(
      await waitUntil(
        () =>
          firing('SocialBridgeDatabaseUnreachable', { service: 'publish-service', dependency: 'postgres' }),
        60_000,
        500,
      ),
      'the database alert fires for publish-service',
    )
    t.ok(
      await waitUntil(() => firing('SocialBridgeWebhookBacklog'), 60_000, 500),
      'the webhook backlog alert fires',
    )
    t.notOk(
      await firing('SocialBridgeDatabaseUnreachable', { service: 'auth-service' }),
      'only publish-service',
    )

    await proxy.restore()
    t.ok(
      await waitUntil(
        async () =>
          !(await firing('SocialBridgeDatabaseUnreachable')) && !(await firing('SocialBridgeWebhookBacklog')),
        120_000,
        500,
      ),
      'both resolve once PostgreSQL is reachable again',
    )
  },
)
