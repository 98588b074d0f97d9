import { createEnvelope, type Database } from '@social-bridge/service-kit'
import { outbox } from '../../db/schema.js'

type Executor = Pick<Database, 'insert'>

/**
 * Writes an event into the transactional outbox (same transaction as the state it describes);
 * the relay (src/workers/outbox-relay.ts) publishes it with the envelope id as `Nats-Msg-Id`.
 * @returns the envelope id.
 */
export async function enqueueEvent<D>(
  tx: Executor,
  subject: string,
  tenantId: string,
  data: D,
  occurredAt = new Date(),
): Promise<string> {
  const envelope = createEnvelope({ type: subject, tenantId, data, occurredAt })
  await tx.insert(outbox).values({ id: envelope.id, subject, envelope })
  return envelope.id
}
