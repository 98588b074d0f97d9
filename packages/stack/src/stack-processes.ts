import { url } from './dev-config.js'
import type { StackPorts } from './service-env.js'

/** The processes of the stack in start order, with their entry points and readiness URLs. */
export function stackProcesses(ports: StackPorts) {
  return [
    {
      name: 'sandbox',
      entry: 'packages/tiktok-sandbox/src/cli.ts',
      ready: `${url(ports.sandbox)}/_sandbox/health`,
    },
    {
      name: 'auth-service',
      entry: 'services/auth-service/src/server.ts',
      ready: `${url(ports.auth)}/readyz`,
    },
    {
      name: 'webhook-ingest',
      entry: 'services/webhook-ingest/src/server.ts',
      ready: `${url(ports.ingest)}/readyz`,
    },
    {
      name: 'publish-service',
      entry: 'services/publish-service/src/server.ts',
      ready: `${url(ports.publish)}/readyz`,
    },
    {
      name: 'analytics-service',
      entry: 'services/analytics-service/src/server.ts',
      ready: `${url(ports.analytics)}/readyz`,
    },
    { name: 'gateway', entry: 'services/gateway/src/server.ts', ready: `${url(ports.gateway)}/readyz` },
  ] as const
}
