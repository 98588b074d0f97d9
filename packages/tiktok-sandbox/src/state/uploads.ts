import { createKeyedStore, type KeyedStore } from './keyed-store.js'

/** A FILE_UPLOAD session behind one `upload_url` (docs/tiktok-api.md §3.5). */
export interface UploadSession {
  uploadId: string
  uploadToken: string
  publishId: string
  /** Virtual Unix ms after which PUTs answer 403. */
  expiresAt: number
  /** True while a chunk is being written; a concurrent PUT gets 416. */
  busy: boolean
}

/** In-memory map of upload sessions by `upload_id`. */
export type UploadsStore = KeyedStore<UploadSession>

/** Creates an empty {@link UploadsStore}. */
export function createUploadsStore(): UploadsStore {
  return createKeyedStore((s: UploadSession) => s.uploadId)
}
