import { MAX_MEDIA_BYTES } from '@social-bridge/contracts'
import { LengthRequiredError, PayloadTooLargeError, withDetails } from '@social-bridge/service-kit'
import type { FastifyRequest } from 'fastify'

/**
 * The upload size cap, enforced from the headers at `onRequest` before a byte of the body is
 * read or proxied. Fastify's `bodyLimit` does not apply here: the video parser hands the raw
 * stream on, and publish-service counts the bytes it actually receives against the declaration.
 * @throws LengthRequiredError (411) without `Content-Length`;
 *   PayloadTooLargeError (413) above `MAX_MEDIA_BYTES` (4 GiB), with `declaredBytes` and `maxBytes`.
 */
export async function checkUploadLength(request: FastifyRequest): Promise<void> {
  const raw = request.headers['content-length']
  if (raw === undefined || !/^\d+$/.test(raw)) throw new LengthRequiredError()
  const declaredBytes = Number(raw)
  if (declaredBytes > MAX_MEDIA_BYTES) {
    throw withDetails(
      new PayloadTooLargeError(
        `The video is ${declaredBytes} bytes; the limit is ${MAX_MEDIA_BYTES} bytes (4 GiB)`,
      ),
      { declaredBytes, maxBytes: MAX_MEDIA_BYTES },
    )
  }
}
