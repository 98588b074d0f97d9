import type { FastifyReply, FastifyRequest } from 'fastify'
import type { StateBinding } from '../../domain/connect-service.js'

/** Name of the signed, httpOnly, SameSite=Lax cookie binding an OAuth state to its CRM user. */
export const STATE_COOKIE = 'sb_tiktok_oauth'

/** Sets the cookie (`{t: tenantId, u: userId, h: sha256(state), p: provider}`, base64url JSON, signed). */
export function setStateCookie(
  reply: FastifyReply,
  binding: StateBinding,
  opts: { secure: boolean; maxAgeSec: number },
) {
  const value = Buffer.from(
    JSON.stringify({ t: binding.tenantId, u: binding.userId, h: binding.stateHash, p: binding.provider }),
    'utf8',
  ).toString('base64url')
  reply.setCookie(STATE_COOKIE, value, {
    signed: true,
    httpOnly: true,
    sameSite: 'lax',
    secure: opts.secure,
    path: '/',
    maxAge: opts.maxAgeSec,
  })
}

/**
 * The binding from a valid signed cookie, or `null` (missing, forged or malformed). A cookie set
 * before providers were named (no `p`) is TikTok's.
 */
export function readStateCookie(request: FastifyRequest): StateBinding | null {
  const raw = request.cookies[STATE_COOKIE]
  if (!raw) return null
  const unsigned = request.unsignCookie(raw)
  if (!unsigned.valid || !unsigned.value) return null
  try {
    const v = JSON.parse(Buffer.from(unsigned.value, 'base64url').toString('utf8')) as Record<string, unknown>
    if (typeof v.t !== 'string' || typeof v.u !== 'string' || typeof v.h !== 'string') return null
    const provider = v.p ?? 'tiktok'
    if (provider !== 'tiktok' && provider !== 'tiktok_shop' && provider !== 'instagram') return null
    return { tenantId: v.t, userId: v.u, stateHash: v.h, provider }
  } catch {
    return null
  }
}

/** Expires the cookie (after the callback, whatever its outcome). */
export function clearStateCookie(reply: FastifyReply) {
  reply.clearCookie(STATE_COOKIE, { path: '/' })
}

/** True when the client asked for JSON (`Accept: application/json`). */
export const wantsJson = (request: FastifyRequest) =>
  (request.headers.accept ?? '').includes('application/json')
