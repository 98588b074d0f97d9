import { sql } from 'drizzle-orm'
import { text, timestamp } from 'drizzle-orm/pg-core'

/** `timestamp with time zone`, read and written as `Date` (drizzle `mode: 'date'`). */
const timestamptz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' })

/**
 * Column builders the services' drizzle schemas (`src/db/schema.ts`) share, so a column that
 * means the same everywhere is declared the same everywhere: `columns.tenantId()`… Each call
 * returns a fresh builder; chain `.notNull()`, `.defaultNow()`… as on drizzle's own.
 */
export const columns = {
  timestamptz,
  /** `tenant_id text not null`: the CRM tenant that owns the row (every query is scoped by it). */
  tenantId: () => text('tenant_id').notNull(),
  /** `provider text not null default 'tiktok'`: the social network the row is about. */
  provider: () => text('provider').notNull().default('tiktok'),
  /** `created_at timestamptz not null default now()`. */
  createdAt: () => timestamptz('created_at').notNull().defaultNow(),
  /** `<name> text[] not null default '{}'` (OAuth scopes, TikTok post ids…). */
  textArray: (name: string) => text(name).array().notNull().default(sql`'{}'::text[]`),
}
