/**
 * @social-bridge/stack — the local stack as processes on this machine, in one place for
 * `pnpm start` and `pnpm demo` (scripts/stack), the e2e suite and the benchmarks: ports, dev
 * secrets and each service's environment, starting, supervising and stopping the processes, a
 * whole test stack on free ports, and the HTTP calls of the main journey.
 */
export * from './balancer.js'
export * from './dev-config.js'
export * from './dev-jwt.js'
export * from './http.js'
export * from './journey.js'
export * from './launch.js'
export * from './nats-cluster.js'
export * from './preflight.js'
export * from './processes.js'
export * from './service-env.js'
export * from './stack-processes.js'
export * from './test-stack.js'
