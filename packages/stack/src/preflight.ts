import { connect } from '@nats-io/transport-node'
import postgres from 'postgres'

/**
 * Checks that PostgreSQL and NATS answer, and creates the stack's database when missing.
 * @throws Error with the command that starts the missing service (shared/STACK.md).
 */
export async function preflight(opts: {
  adminDatabaseUrl: string
  databaseName: string
  natsUrl: string
}): Promise<void> {
  const admin = postgres(opts.adminDatabaseUrl, { max: 1, connect_timeout: 3, onnotice: () => {} })
  try {
    const found = await admin`select 1 from pg_database where datname = ${opts.databaseName}`
    if (found.length === 0) await admin.unsafe(`create database "${opts.databaseName}"`)
  } catch (err) {
    throw new Error(
      `PostgreSQL is not answering at ${opts.adminDatabaseUrl} (${(err as Error).message}).\n` +
        '  Start it with: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start',
    )
  } finally {
    await admin.end({ timeout: 1 })
  }
  try {
    const nc = await connect({ servers: opts.natsUrl, timeout: 3000 })
    await nc.close()
  } catch (err) {
    throw new Error(
      `NATS is not answering at ${opts.natsUrl} (${(err as Error).message}).\n` +
        '  Start it with: start-stop-daemon --start --oknodo --background --exec /usr/sbin/nats-server -- -a 127.0.0.1 -p 4222 -js -sd /var/lib/nats-server',
    )
  }
}
