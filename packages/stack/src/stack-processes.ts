import { url } from './dev-config.js'
import type { StackPorts } from './service-env.js'

/** A service of `services/<name>`: started from its `src/server.ts`, ready when `/readyz` answers. */
const service = <N extends string>(name: N, port: number) =>
  ({ name, entry: `services/${name}/src/server.ts`, ready: `${url(port)}/readyz` }) as const

/** The processes of the stack in start order, with their entry points and readiness URLs. */
export function stackProcesses(ports: StackPorts) {
  return [
    {
      name: 'sandbox',
      entry: 'packages/tiktok-sandbox/src/cli.ts',
      ready: `${url(ports.sandbox)}/_sandbox/health`,
    },
    service('auth-service', ports.auth),
    service('webhook-ingest', ports.ingest),
    service('publish-service', ports.publish),
    service('analytics-service', ports.analytics),
    service('webhook-dispatch', ports.dispatch),
    service('gateway', ports.gateway),
  ] as const
}
