/** A FILE_UPLOAD session behind one `upload_url` (REFERENCE 3.5). */
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
export interface UploadsStore {
  add(s: UploadSession): UploadSession
  get(uploadId: string): UploadSession | undefined
  list(): UploadSession[]
}

export function createUploadsStore(): UploadsStore {
  const sessions = new Map<string, UploadSession>()
  return {
    add(s) {
      sessions.set(s.uploadId, s)
      return s
    },
    get: (id) => sessions.get(id),
    list: () => [...sessions.values()],
  }
}
