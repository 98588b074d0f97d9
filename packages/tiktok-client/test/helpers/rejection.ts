/**
 * What `p` rejects with, or undefined when it resolves: lets a test read a typed error's fields
 * (`code`, `category`, `httpStatus`…) after the call.
 */
export const rejectionOf = (p: Promise<unknown>): Promise<unknown> =>
  p.then(
    () => undefined,
    (e: unknown) => e,
  )
