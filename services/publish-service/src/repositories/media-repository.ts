import type { Database } from '@social-bridge/service-kit'
import { eq, sql } from 'drizzle-orm'
import { type MediaRow, media, posts } from '../db/schema.js'
import { tenantRowReader } from './tenant-row.js'

/** Stored media rows, always scoped by tenant. */
export interface MediaRepository {
  insert(row: typeof media.$inferInsert): Promise<MediaRow>
  /** The tenant's media, or null (another tenant's id is null too). */
  get(tenantId: string, id: string): Promise<MediaRow | null>
  /**
   * Up to `limit` media past retention: stored more than `days` days ago, and every post that
   * uses it (as its video or one of its photos) ended — published, failed, cancelled or in the
   * inbox — more than `days` days ago (its last `updated_at`). Media of a post still scheduled
   * or on its way is never returned.
   */
  pastRetention(days: number, limit: number): Promise<Pick<MediaRow, 'id' | 'objectName'>[]>
  /** Deletes the row (its bytes are deleted first by the caller). */
  remove(id: string): Promise<void>
}

export function createMediaRepository({ db }: { db: Database }): MediaRepository {
  const get = tenantRowReader(db, media, 'publish_media_of_tenant')
  return {
    get,
    async insert(row) {
      const [inserted] = await db.insert(media).values(row).returning()
      return inserted as MediaRow
    },
    async pastRetention(days, limit) {
      const rows = await db.execute<{ id: string; objectName: string }>(sql`
        select m.id, m.object_name as "objectName" from ${media} m
         where m.created_at < now() - make_interval(days => ${days})
           and not exists (
             select 1 from ${posts} p
              where (p.media_id = m.id or p.photos @> jsonb_build_array(jsonb_build_object('mediaId', m.id::text)))
                and (p.status in ('scheduled', 'queued', 'uploading', 'processing')
                     or p.updated_at > now() - make_interval(days => ${days})))
         limit ${limit}`)
      return rows as unknown as { id: string; objectName: string }[]
    },
    async remove(id) {
      await db.delete(media).where(eq(media.id, id))
    },
  }
}
