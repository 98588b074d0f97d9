import { Counter, Histogram, type Registry } from 'prom-client'

const REQUESTS = 'social_bridge_tiktok_api_requests_total'

/**
 * The TikTok client's metrics, counted once here for every service that calls TikTok. Process-wide
 * objects; a service adds them to its registry with {@link registerTikTokClientMetrics}
 * (`tiktokClientPlugin` does). Labels are bounded: `endpoint` is the API path template
 * (`/v2/post/publish/video/init/`…, `upload` for the chunk PUTs to upload URLs, `other` for
 * anything else), `status` the HTTP status or `error` (timeout, connection failure).
 */
export const tiktokClientMetrics = {
  /** Calls by endpoint and status; `status="429"` are TikTok's rate-limit refusals (docs/tiktok-api.md §5). */
  requests: new Counter({
    name: REQUESTS,
    help: 'Calls to TikTok by endpoint template and HTTP status (error: no answer)',
    labelNames: ['endpoint', 'status'] as const,
    registers: [],
  }),
  /** Call latency, request sent → whole body read, seconds. */
  duration: new Histogram({
    name: 'social_bridge_tiktok_api_request_duration_seconds',
    help: 'Latency of calls to TikTok, seconds',
    labelNames: ['endpoint'] as const,
    buckets: [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 120],
    registers: [],
  }),
  /** Chunk PUTs sent again after a transient failure (5xx, timeout, connection), docs/tiktok-api.md §3.5. */
  chunkRetries: new Counter({
    name: 'social_bridge_tiktok_upload_chunk_retries_total',
    help: 'Video chunk uploads retried after a transient failure',
    registers: [],
  }),
  /** Bytes of the chunks TikTok acknowledged (201/206). */
  uploadedBytes: new Counter({
    name: 'social_bridge_tiktok_upload_bytes_total',
    help: 'Video bytes uploaded to TikTok and acknowledged, bytes',
    registers: [],
  }),
}

/** Adds the client's metrics to `registry` (once per registry). */
export function registerTikTokClientMetrics(registry: Registry): void {
  if (registry.getSingleMetric(REQUESTS)) return
  for (const metric of Object.values(tiktokClientMetrics)) registry.registerMetric(metric)
}

const API_PATH = /^\/v2\/[a-z_/.]+$/

/** The `endpoint` label of a call: its API path, `upload` for a chunk PUT, else `other`. */
export function endpointLabel(method: string, url: string | URL): string {
  if (method === 'PUT') return 'upload'
  const path = new URL(url).pathname
  return API_PATH.test(path) ? path : 'other'
}
