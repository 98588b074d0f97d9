/** Anything with tap's `teardown` (a tap test, or a stand-in in a benchmark). */
export interface Teardownable {
  teardown(fn: () => unknown): void
}
