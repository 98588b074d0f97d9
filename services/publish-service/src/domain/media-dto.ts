import type { Media, MediaContentType } from '@social-bridge/contracts'
import type { MediaRow } from '../db/schema.js'

/**
 * The CRM's view of a stored video (contracts `Media`, the `POST /media` 201 answer): size in
 * bytes, hex SHA-256, and only the inspection fields mediainfo.js found (seconds, pixels, fps).
 */
export function toMediaDto(row: MediaRow): Media {
  return {
    id: row.id,
    sizeBytes: row.sizeBytes,
    sha256: row.sha256,
    contentType: row.contentType as MediaContentType,
    ...(row.durationSec != null ? { durationSec: row.durationSec } : {}),
    ...(row.width != null ? { width: row.width } : {}),
    ...(row.height != null ? { height: row.height } : {}),
    ...(row.frameRate != null ? { frameRate: row.frameRate } : {}),
    ...(row.codec != null ? { codec: row.codec } : {}),
  }
}
