import type { FastifyReply } from 'fastify'
import type { SandboxContext } from './context.js'
import { logId } from './ids.js'
import { toJson } from './json.js'

/** Sends the v2 success envelope `{data, error:{code:'ok', message:'', log_id}}` (docs/tiktok-api.md §2.1). */
export function sendData(
  reply: FastifyReply,
  ctx: SandboxContext,
  data: unknown,
  status = 200,
): FastifyReply {
  return reply
    .code(status)
    .type('application/json; charset=utf-8')
    .send(toJson({ data, error: { code: 'ok', message: '', log_id: logId(ctx.clock.now()) } }))
}

/** Sends a v2 error envelope; `data: {}` is included per `settings.includeEmptyDataOnError`. */
export function sendApiError(
  reply: FastifyReply,
  ctx: SandboxContext,
  status: number,
  code: string,
  message: string,
): FastifyReply {
  const error = { code, message, log_id: logId(ctx.clock.now()) }
  const body = ctx.settings.includeEmptyDataOnError ? { data: {}, error } : { error }
  reply.request.tt.errorCode = code
  return reply.code(status).type('application/json; charset=utf-8').send(toJson(body))
}

/** Sends TikTok's flat OAuth error `{error, error_description, log_id}` (docs/tiktok-api.md §1.6). */
export function sendOAuthError(
  reply: FastifyReply,
  ctx: SandboxContext,
  error: string,
  description: string,
  status?: number,
): FastifyReply {
  reply.request.tt.errorCode = error
  return reply
    .code(status ?? ctx.settings.oauthErrorHttpStatus)
    .type('application/json; charset=utf-8')
    .send(JSON.stringify({ error, error_description: description, log_id: logId(ctx.clock.now()) }))
}
