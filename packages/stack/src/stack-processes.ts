import type { StackPorts } from './service-env.js'

/**
 * A service of `services/<name>`: started from its `src/server.ts`, listening on `PORT`, ready
 * when `/readyz` answers. Services are stateless: the cluster mode runs several replicas of each
 * (`LaunchOptions.replicas`).
 */
const service = <N extends string>(name: N, port: number) =>
  ({ name, entry: `services/${name}/src/server.ts`, port, readyPath: '/readyz', replicable: true }) as const

/** One process of the stack: its entry point, port and readiness path; `replicable` when it may run as several replicas. */
export interface StackProcessSpec {
  name: string
  entry: string
  port: number
  readyPath: string
  replicable: boolean
}

/** The processes of the stack in start order, with their entry points and readiness URLs. */
export function stackProcesses(ports: StackPorts): readonly StackProcessSpec[] {
  return [
    {
      name: 'sandbox',
      entry: 'packages/tiktok-sandbox/src/cli.ts',
      port: ports.sandbox,
      readyPath: '/_sandbox/health',
      // The emulator of TikTok: one, whatever the stack's replica count.
      replicable: false,
    },
    service('auth-service', ports.auth),
    service('webhook-ingest', ports.ingest),
    service('publish-service', ports.publish),
    service('analytics-service', ports.analytics),
    service('webhook-dispatch', ports.dispatch),
    service('gateway', ports.gateway),
  ] as const
}
