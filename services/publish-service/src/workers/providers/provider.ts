import type { Job, StepResult, WorkerDeps } from '../deps.js'

/** How the job loop treats an error a step left unhandled, as the network's client classified it. */
export type StepErrorVerdict =
  /** The network asked to slow down: run the job again after `retryAfterMs`. */
  | { kind: 'rate_limited'; retryAfterMs: number }
  /** A definite, permanent refusal: the post fails with `reason`. */
  | { kind: 'rejected'; reason: string }

/**
 * The worker side of a provider in publish-service (services/README.md "Providers"): the steps
 * of a claimed post on a connection of that provider, and how its client's errors read. One per
 * provider in this folder, registered in `index.ts`; the job loop (`run-job.ts`: lease, shutdown,
 * auth-service errors, backoff) is shared and never branches on the provider.
 */
export interface WorkerProvider {
  /** Runs the post's next step (by `posts.phase`); see src/workers/README.md. */
  runStep(d: WorkerDeps, job: Job): Promise<StepResult>
  /** The verdict on a network error, or null when it is transient (retried with backoff) or not the network's. */
  classify(err: unknown): StepErrorVerdict | null
  /** The fail reason once the network stayed unavailable for MAX_STEP_ATTEMPTS tries of a first step. */
  unavailableReason: string
  /** The wait reason shown while the network's rate limit is waited out. */
  rateLimitedWaitReason: 'tiktok_rate_limited' | 'instagram_rate_limited'
}
