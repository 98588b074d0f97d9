/** Wraps every method of `api` so that a call (which may change state) calls `changed` after it. */
export function noteChanges<T extends object>(api: T, changed: () => void): T {
  const wrapped: Record<string, unknown> = {}
  for (const [name, fn] of Object.entries(api)) {
    wrapped[name] = (...args: unknown[]) => {
      try {
        return (fn as (...a: unknown[]) => unknown)(...args)
      } finally {
        changed()
      }
    }
  }
  return wrapped as T
}
