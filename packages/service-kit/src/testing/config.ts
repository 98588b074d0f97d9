import type { BaseConfig } from '../config.js'
import { TEST_NATS_URL } from './nats.js'

/**
 * The {@link BaseConfig} of a service under test: listening on 127.0.0.1 port 0 (a free port), silent
 * logs, the test's own database (`createTestDatabase`) and NATS namespace (`createTestNamespace`)
 * on the test NATS server. A service's test config spreads it and adds its own variables.
 */
export function testBaseConfig(input: { databaseUrl: string; namespace: string }): BaseConfig {
  return {
    HOST: '127.0.0.1',
    PORT: 0,
    LOG_LEVEL: 'silent',
    DATABASE_URL: input.databaseUrl,
    NATS_URL: TEST_NATS_URL,
    NATS_NAMESPACE: input.namespace,
    NATS_STREAM_REPLICAS: 1,
  }
}
