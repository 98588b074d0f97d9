/** Steps of the scheduling tests: create a post due at a time, and act on it as the CRM does. */
import type { FastifyInstance } from 'fastify'
import { asUser } from './helper.js'
import { createDirectPost } from './post-steps.js'

/** An ISO time `ms` from now. */
export const inMs = (ms: number) => new Date(Date.now() + ms).toISOString()

/** Creates a direct post of `source` scheduled at `scheduledAt` (`overrides` merged over the body). */
export function schedulePost(
  app: FastifyInstance,
  connectionId: string,
  source: { mediaId: string } | { url: string },
  scheduledAt: string,
  overrides: Record<string, unknown> = {},
) {
  return createDirectPost(app, connectionId, source, { scheduledAt, ...overrides })
}

/** `PATCH /posts/:id` with `body`, or `POST /posts/:id/cancel` when `body` is 'cancel'. */
export async function changePost(
  app: FastifyInstance,
  id: string,
  body: Record<string, unknown> | 'cancel',
  user?: Parameters<typeof asUser>[0],
) {
  const headers = await asUser(user)
  return body === 'cancel'
    ? app.inject({ method: 'POST', url: `/posts/${id}/cancel`, headers })
    : app.inject({ method: 'PATCH', url: `/posts/${id}`, headers, payload: body })
}
