/** The token vault is service-kit's AES-256-GCM vault (`TOKEN_ENCRYPTION_KEYS`, key id per row). */
export { createVault, parseKeyList, type Sealed, type Vault, VaultError } from '@social-bridge/service-kit'
