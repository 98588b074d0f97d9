import type { Vault } from './vault.js'

/** What binds a token ciphertext to its account: the natural key of the connection. */
export interface TokenOwner {
  tenantId: string
  provider: string
  openId: string
}

/** The sealed columns of a connection row. */
export interface SealedTokens {
  accessTokenSealed: Buffer
  refreshTokenSealed: Buffer
  tokenKeyId: string
}

const aad = (o: TokenOwner, kind: 'access' | 'refresh') => `${o.tenantId}|${o.provider}|${o.openId}|${kind}`

/** Seals an access and a refresh token under the vault's active key (one key id per row). */
export function sealTokens(vault: Vault, owner: TokenOwner, access: string, refresh: string): SealedTokens {
  const a = vault.seal(access, aad(owner, 'access'))
  const r = vault.seal(refresh, aad(owner, 'refresh'))
  return { accessTokenSealed: a.blob, refreshTokenSealed: r.blob, tokenKeyId: a.keyId }
}

/**
 * Opens one sealed token of a row.
 * @throws VaultError when the key is gone or the blob does not belong to this account.
 */
export function openToken(
  vault: Vault,
  row: TokenOwner & { tokenKeyId: string | null },
  kind: 'access' | 'refresh',
  blob: Buffer,
): string {
  return vault.open({ keyId: row.tokenKeyId ?? '', blob }, aad(row, kind))
}
