import { type Static, type TObject, Type } from 'typebox'
import { Value } from 'typebox/value'

/** Raised when the environment does not satisfy a service's config schema; `message` names every bad variable. */
export class ConfigError extends Error {
  override name = 'ConfigError'
  readonly code = 'CONFIG_INVALID'
  constructor(readonly problems: string[]) {
    super(`Invalid configuration: ${problems.join('; ')}`)
  }
}

/** Variables every service reads (ARCHITECTURE.md "Configuration"). */
export const BaseConfig = Type.Object({
  HOST: Type.String({ default: '127.0.0.1' }),
  PORT: Type.Integer({ minimum: 0, maximum: 65535 }),
  LOG_LEVEL: Type.Union(
    [
      Type.Literal('fatal'),
      Type.Literal('error'),
      Type.Literal('warn'),
      Type.Literal('info'),
      Type.Literal('debug'),
      Type.Literal('trace'),
      Type.Literal('silent'),
    ],
    { default: 'info' },
  ),
  DATABASE_URL: Type.String({ pattern: '^postgres(ql)?://' }),
  NATS_URL: Type.String({ minLength: 1, default: 'nats://127.0.0.1:4222' }),
  /** Prefix for every subject and stream (tests give each run its own); empty in production. */
  NATS_NAMESPACE: Type.String({ default: '', pattern: '^[A-Za-z0-9_-]*$' }),
  /**
   * JetStream replicas of every stream and object store the service declares: 1 on a single
   * server, 3 on a 3-node cluster (deploy/README.md "Scaling out"). At most the cluster's size.
   */
  NATS_STREAM_REPLICAS: Type.Integer({ minimum: 1, maximum: 5, default: 1 }),
})
export type BaseConfig = Static<typeof BaseConfig>

/**
 * Validates `env` against `schema` once at start: applies defaults, converts strings to the
 * schema's numbers and booleans, and rejects unknown shapes.
 *
 * @returns the typed config (only the schema's keys).
 * @throws ConfigError naming each missing or invalid variable.
 */
export function loadConfig<T extends TObject>(
  schema: T,
  env: Record<string, string | undefined> = process.env,
): Static<T> {
  const keys = Object.keys(schema.properties)
  const picked: Record<string, unknown> = {}
  for (const key of keys) {
    const raw = env[key]
    if (raw !== undefined && raw !== '') picked[key] = raw
  }
  const value = Value.Convert(schema, Value.Default(schema, picked))
  if (Value.Check(schema, value)) return value as Static<T>
  const problems = [...Value.Errors(schema, value)].map((e) => {
    const missing = e.keyword === 'required' ? (e.params as { requiredProperties?: string[] }) : undefined
    if (missing?.requiredProperties) return `${missing.requiredProperties.join(', ')} is required`
    return `${e.instancePath.replace(/^\//, '') || '(root)'} ${e.message}`
  })
  throw new ConfigError([...new Set(problems)])
}

/** `loadConfig`, but on failure prints the message to stderr and exits the process with code 1. */
export function loadConfigOrExit<T extends TObject>(
  schema: T,
  env: Record<string, string | undefined> = process.env,
): Static<T> {
  try {
    return loadConfig(schema, env)
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err
    process.stderr.write(`${err.message}\n`)
    process.exit(1)
  }
}
