import { columns, outboxTable } from '@social-bridge/service-kit'
import { sql } from 'drizzle-orm'
import {
  bigint,
  customType,
  index,
  integer,
  jsonb,
  pgSchema,
  primaryKey,
  text,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core'
import type { AccountDetails } from '../domain/providers/provider.js'

/** PostgreSQL schema owned by auth-service (ARCHITECTURE.md "Data ownership"). */
export const auth = pgSchema('auth')

/** `bytea` as a Node Buffer. */
const bytea = customType<{ data: Buffer; driverData: Buffer }>({ dataType: () => 'bytea' })

/**
 * One connected account per (tenant, provider, open_id): a TikTok creator, or a TikTok Shop seller
 * (whose shops are in {@link shops}). Tokens are sealed by the vault
 * (`iv ‖ tag ‖ ciphertext`, AES-256-GCM) under `token_key_id`; they are null once the connection
 * is disconnected, revoked or needs re-authorisation. `token_version` grows on every token write.
 */
export const connections = auth.table(
  'connections',
  {
    id: uuid('id').primaryKey(),
    tenantId: columns.tenantId(),
    provider: columns.provider(),
    openId: text('open_id').notNull(),
    displayName: text('display_name'),
    avatarUrl: text('avatar_url'),
    scopes: columns.textArray('scopes'),
    status: text('status').notNull().default('active'),
    accessTokenSealed: bytea('access_token_sealed'),
    refreshTokenSealed: bytea('refresh_token_sealed'),
    tokenKeyId: text('token_key_id'),
    tokenVersion: integer('token_version').notNull().default(1),
    /** When the current access token was issued (code exchange or refresh); null on rows older than the column. */
    accessTokenIssuedAt: columns.timestamptz('access_token_issued_at'),
    /** From `expires_in` at issue time. */
    accessTokenExpiresAt: columns.timestamptz('access_token_expires_at'),
    /** From `refresh_expires_in` at issue time. */
    refreshTokenExpiresAt: columns.timestamptz('refresh_token_expires_at'),
    /**
     * When the scheduler (or an access-token request) should refresh: ahead of expiry by the
     * margin, or later after a failed refresh (backoff), possibly past the expiry: access-token
     * requests also check the expiry itself.
     */
    nextRefreshAt: columns.timestamptz('next_refresh_at'),
    /** Consecutive transient refresh failures (for the scheduler's backoff). */
    refreshFailures: integer('refresh_failures').notNull().default(0),
    lastRefreshedAt: columns.timestamptz('last_refreshed_at'),
    /**
     * What the provider tells about the account beyond its name (Instagram: `accountType`,
     * `canPublish`, a `notice` for personal accounts), from the last (re)connect; null for others.
     */
    accountDetails: jsonb('account_details').$type<AccountDetails>(),
    /**
     * When the user last granted access (the code exchange of a connect or reconnect). An
     * `authorization.removed` created before it is about an earlier grant; null on older rows.
     */
    authorizedAt: columns.timestamptz('authorized_at'),
    connectedBy: text('connected_by').notNull(),
    createdAt: columns.createdAt(),
    updatedAt: columns.timestamptz('updated_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('connections_tenant_provider_open_id_uq').on(t.tenantId, t.provider, t.openId),
    index('connections_open_id_idx').on(t.provider, t.openId),
    index('connections_due_idx').on(t.nextRefreshAt).where(sql`${t.status} = 'active'`),
  ],
)

/**
 * The shops a TikTok Shop seller authorized on a `tiktok_shop` connection, from
 * `GET /authorization/202309/shops` (docs/tiktok-shop-api.md §4), replaced on every (re)connect and
 * kept after a disconnect (for display). `shop_cipher` is not a credential but stays server-side:
 * no DTO carries it.
 */
export const shops = auth.table(
  'shops',
  {
    connectionId: uuid('connection_id')
      .notNull()
      .references(() => connections.id, { onDelete: 'cascade' }),
    tenantId: columns.tenantId(),
    /** TikTok Shop's shop id (decimal string, up to 19 digits). */
    shopId: text('shop_id').notNull(),
    name: text('name').notNull(),
    region: text('region').notNull(),
    shopCipher: text('shop_cipher').notNull(),
    createdAt: columns.createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.connectionId, t.shopId] }),
    index('shops_tenant_shop_idx').on(t.tenantId, t.shopId),
  ],
)

/**
 * Pending OAuth authorize requests. Only the SHA-256 of the state is stored; the PKCE verifier is
 * sealed (aad = state hash). Single use (`used_at`), 10 minutes (`expires_at`).
 */
export const oauthStates = auth.table('oauth_states', {
  stateHash: text('state_hash').primaryKey(),
  tenantId: columns.tenantId(),
  userId: text('user_id').notNull(),
  returnUrl: text('return_url').notNull(),
  codeVerifierSealed: bytea('code_verifier_sealed').notNull(),
  keyId: text('key_id').notNull(),
  expiresAt: columns.timestamptz('expires_at').notNull(),
  usedAt: columns.timestamptz('used_at'),
  createdAt: columns.createdAt(),
})

/** Every refresh outcome: `refreshed`, `already_fresh`, `transient_failure`, `failed`, `reauth_required`. */
export const refreshAttempts = auth.table(
  'refresh_attempts',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    connectionId: uuid('connection_id').notNull(),
    trigger: text('trigger').notNull(),
    outcome: text('outcome').notNull(),
    /** TikTok's error code or the client's error code; never a token. */
    errorCode: text('error_code'),
    tiktokCalls: integer('tiktok_calls').notNull().default(0),
    createdAt: columns.createdAt(),
  },
  (t) => [index('refresh_attempts_connection_idx').on(t.connectionId, t.createdAt)],
)

/** Lifecycle audit: who (CRM user id, `tiktok` or `system`) did what to which connection, when. */
export const auditLog = auth.table(
  'audit_log',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    tenantId: columns.tenantId(),
    connectionId: uuid('connection_id'),
    actorKind: text('actor_kind').notNull(),
    actor: text('actor').notNull(),
    action: text('action').notNull(),
    details: jsonb('details').$type<Record<string, unknown>>(),
    createdAt: columns.createdAt(),
  },
  (t) => [index('audit_log_connection_idx').on(t.connectionId, t.createdAt)],
)

/** Transactional outbox (service-kit `createOutbox`): events committed with their effect; aggregate = connection id. */
export const outbox = outboxTable(auth)

export type ConnectionRow = typeof connections.$inferSelect
export type OAuthStateRow = typeof oauthStates.$inferSelect
export type ShopRow = typeof shops.$inferSelect
