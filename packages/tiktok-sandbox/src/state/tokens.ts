import { authCode, token } from '../ids.js'

/** A user's consent to the app: the granted scopes. Revoking it kills all its tokens. */
export interface Grant {
  id: number
  openId: string
  scopes: string[]
  revoked: boolean
}

/** A pending authorization code (docs/tiktok-api.md §1.3): single use, short-lived. */
export interface AuthCode {
  code: string
  grantId: number
  redirectUri: string
  codeChallenge?: string
  /** Virtual Unix ms. */
  expiresAt: number
  used: boolean
}

/** An access (`act.`) or client (`clt.`) token. */
export interface AccessToken {
  token: string
  kind: 'user' | 'client'
  grantId?: number
  /** Virtual Unix ms. */
  expiresAt: number
  revoked: boolean
}

/** A refresh token (`rft.`); `replacedBy` is set when rotation invalidated it. */
export interface RefreshToken {
  token: string
  grantId: number
  /** Virtual Unix ms. */
  expiresAt: number
  /** Set when a rotation made this token stale (`refreshRotation: 'invalidate'`). */
  replacedBy?: string
  /** Superseded but still accepted (`refreshRotation: 'keep'`). */
  superseded?: boolean
  revoked: boolean
}

/** Classification recorded in the request log for refresh calls. */
export type RefreshTokenState = 'current' | 'stale' | 'unknown'

/** Everything the tokens store holds, as plain records (a saved state, see persistence/). */
export interface TokensDump {
  grants: Grant[]
  codes: AuthCode[]
  accessTokens: AccessToken[]
  refreshTokens: RefreshToken[]
}

/** In-memory store of grants, codes and tokens. Times are virtual Unix ms. */
export interface TokensStore {
  createGrant(openId: string, scopes: string[]): Grant
  grant(id: number): Grant | undefined
  grantsOf(openId: string): Grant[]
  issueCode(
    grantId: number,
    redirectUri: string,
    codeChallenge: string | undefined,
    expiresAt: number,
  ): AuthCode
  code(code: string): AuthCode | undefined
  issueAccess(grantId: number | undefined, kind: 'user' | 'client', expiresAt: number): AccessToken
  access(token: string): AccessToken | undefined
  issueRefresh(grantId: number, expiresAt: number): RefreshToken
  refresh(token: string): RefreshToken | undefined
  /** `current` (latest of its chain), `stale` (rotated away) or `unknown`. */
  classifyRefresh(token: string): RefreshTokenState
  accessTokensOf(grantId: number): AccessToken[]
  refreshTokensOf(grantId: number): RefreshToken[]
  /** The live records (not copies), including used codes, expired and rotated tokens. */
  dump(): TokensDump
}

/** Creates the store, holding the records of `initial` (a restored state) at first. */
export function createTokensStore(initial?: TokensDump): TokensStore {
  const grants = new Map<number, Grant>(initial?.grants.map((g) => [g.id, g]))
  const codes = new Map<string, AuthCode>(initial?.codes.map((c) => [c.code, c]))
  const accessTokens = new Map<string, AccessToken>(initial?.accessTokens.map((t) => [t.token, t]))
  const refreshTokens = new Map<string, RefreshToken>(initial?.refreshTokens.map((t) => [t.token, t]))
  let nextGrant = Math.max(0, ...grants.keys()) + 1
  return {
    createGrant(openId, scopes) {
      const g: Grant = { id: nextGrant++, openId, scopes, revoked: false }
      grants.set(g.id, g)
      return g
    },
    grant: (id) => grants.get(id),
    grantsOf: (openId) => [...grants.values()].filter((g) => g.openId === openId),
    issueCode(grantId, redirectUri, codeChallenge, expiresAt) {
      const c: AuthCode = { code: authCode(), grantId, redirectUri, codeChallenge, expiresAt, used: false }
      codes.set(c.code, c)
      return c
    },
    code: (c) => codes.get(c),
    issueAccess(grantId, kind, expiresAt) {
      const t: AccessToken = {
        token: token(kind === 'user' ? 'act' : 'clt'),
        kind,
        grantId,
        expiresAt,
        revoked: false,
      }
      accessTokens.set(t.token, t)
      return t
    },
    access: (t) => accessTokens.get(t),
    issueRefresh(grantId, expiresAt) {
      const t: RefreshToken = { token: token('rft'), grantId, expiresAt, revoked: false }
      refreshTokens.set(t.token, t)
      return t
    },
    refresh: (t) => refreshTokens.get(t),
    classifyRefresh(t) {
      const r = refreshTokens.get(t)
      if (!r) return 'unknown'
      return r.replacedBy || r.superseded ? 'stale' : 'current'
    },
    accessTokensOf: (grantId) => [...accessTokens.values()].filter((t) => t.grantId === grantId),
    refreshTokensOf: (grantId) => [...refreshTokens.values()].filter((t) => t.grantId === grantId),
    dump: () => ({
      grants: [...grants.values()],
      codes: [...codes.values()],
      accessTokens: [...accessTokens.values()],
      refreshTokens: [...refreshTokens.values()],
    }),
  }
}
