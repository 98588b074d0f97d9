import type { Database } from '@social-bridge/service-kit'

/** A drizzle transaction on the service's database. */
export type Tx = Parameters<Parameters<Database['transaction']>[0]>[0]

/** The database or a transaction: repository functions accept either. */
export type DbOrTx = Database | Tx
