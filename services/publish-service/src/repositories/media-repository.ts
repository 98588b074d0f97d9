import type { Database } from '@social-bridge/service-kit'
import { type MediaRow, media } from '../db/schema.js'
import { tenantRowReader } from './tenant-row.js'

/** Stored media rows, always scoped by tenant. */
export interface MediaRepository {
  insert(row: typeof media.$inferInsert): Promise<MediaRow>
  /** The tenant's media, or null (another tenant's id is null too). */
  get(tenantId: string, id: string): Promise<MediaRow | null>
}

export function createMediaRepository({ db }: { db: Database }): MediaRepository {
  const get = tenantRowReader(db, media, 'publish_media_of_tenant')
  return {
    get,
    async insert(row) {
      const [inserted] = await db.insert(media).values(row).returning()
      return inserted as MediaRow
    },
  }
}
