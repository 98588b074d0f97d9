import type { Database } from '@social-bridge/service-kit'
import { and, eq } from 'drizzle-orm'
import { type MediaRow, media } from '../db/schema.js'

/** Stored media rows, always scoped by tenant. */
export interface MediaRepository {
  insert(row: typeof media.$inferInsert): Promise<MediaRow>
  /** The tenant's media, or null (another tenant's id is null too). */
  get(tenantId: string, id: string): Promise<MediaRow | null>
}

export function createMediaRepository({ db }: { db: Database }): MediaRepository {
  return {
    async insert(row) {
      const [inserted] = await db.insert(media).values(row).returning()
      return inserted as MediaRow
    },
    async get(tenantId, id) {
      const [row] = await db
        .select()
        .from(media)
        .where(and(eq(media.tenantId, tenantId), eq(media.id, id)))
      return row ?? null
    },
  }
}
