import { instagramWorker } from './instagram.js'
import type { WorkerProvider } from './provider.js'
import { tiktokWorker } from './tiktok.js'

export type { StepErrorVerdict, WorkerProvider } from './provider.js'

/** The one place worker providers are registered. */
const PROVIDERS: Partial<Record<string, WorkerProvider>> = {
  tiktok: tiktokWorker,
  instagram: instagramWorker,
}

/** The worker side of `provider` (a post's `posts.provider`; only providers that can post are ever stored). */
export function workerProviderOf(provider: string): WorkerProvider {
  const found = PROVIDERS[provider]
  if (!found) throw new Error(`no publish worker for provider ${provider}`)
  return found
}
