import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { AuthConfig } from '../../config.js'
import { createVault, type Vault } from '../../domain/vault.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** AES-256-GCM token vault over TOKEN_ENCRYPTION_KEYS. */
    vault: Vault
  }
}

/** Decorates `app.vault`; a bad key list stops the start with a clear message (never the keys). */
export const vaultPlugin = fp(
  async (app: FastifyInstance, { config }: { config: AuthConfig }) => {
    app.decorate(
      'vault',
      createVault({ keys: config.TOKEN_ENCRYPTION_KEYS, activeKeyId: config.TOKEN_ENCRYPTION_ACTIVE_KEY_ID }),
    )
  },
  { name: 'auth-vault', fastify: '5.x' },
)
