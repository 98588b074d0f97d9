import { existsSync } from 'node:fs'
import fastifyStatic from '@fastify/static'
import { CONSOLE_DIR } from '@social-bridge/elements/paths'
import { NotFoundError } from '@social-bridge/service-kit'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'

/**
 * The console at `/console/` (@fastify/static): the pages built from @social-bridge/elements
 * (`packages/elements/dist/console`, built by `pnpm start` and the test command), including
 * `oauth-return.html`, where the OAuth popup lands. Checked at start: when it is not built,
 * `/console/*` answers 404 `NOT_FOUND` saying how to build it.
 */
export const consolePlugin = fp(
  async (app: FastifyInstance, opts: { dir?: string }) => {
    const dir = opts.dir ?? CONSOLE_DIR
    if (existsSync(dir)) {
      await app.register(fastifyStatic, { root: dir, prefix: '/console/', decorateReply: false })
      return
    }
    app.get('/console/*', { schema: { hide: true } }, async () => {
      throw new NotFoundError('The console (not built: `pnpm start` builds it)')
    })
  },
  { name: 'gateway-console', fastify: '5.x' },
)
