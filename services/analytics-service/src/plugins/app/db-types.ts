/**
 * Re-export for `outbox.ts` only, which still imports `./db-types.js`: the types live in
 * `src/repositories/db-types.ts`. Delete this file with `outbox.ts` when the shared outbox
 * (issue 12) replaces it.
 */
export type { Queryable } from '../../repositories/db-types.js'
