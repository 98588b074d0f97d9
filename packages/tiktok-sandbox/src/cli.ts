import { loadCliOptions } from './config.js'
import { createSandbox } from './sandbox.js'

/** `tsx src/cli.ts`: runs the sandbox for the local stack; configuration in config.ts. */
async function main(): Promise<void> {
  let sandbox: Awaited<ReturnType<typeof createSandbox>>
  try {
    sandbox = await createSandbox(loadCliOptions(process.env, process.argv.slice(2)))
  } catch (err) {
    console.error(`tiktok-sandbox: cannot start: ${(err as Error).message}`)
    process.exit(1)
  }
  console.log(`tiktok-sandbox listening on ${sandbox.url} (client_key ${sandbox.clientKey})`)
  console.log(sandbox.stateFile ? `  state kept in ${sandbox.stateFile}` : '  state in memory only')
  for (const u of sandbox.listUsers()) {
    console.log(`  user ${u.openId} ${u.displayName}${u.private ? ' (private)' : ''}`)
  }
  for (const s of sandbox.shop.listSellers()) {
    console.log(`  TikTok Shop seller ${s.openId} ${s.sellerName} (${s.shops.map((x) => x.name).join(', ')})`)
  }
  const stop = async (signal: string) => {
    console.log(`tiktok-sandbox: ${signal}, closing`)
    try {
      await sandbox.close()
    } catch (err) {
      console.error(`tiktok-sandbox: closing failed: ${(err as Error).message}`)
      process.exit(1)
    }
    process.exit(0)
  }
  process.once('SIGINT', () => void stop('SIGINT'))
  process.once('SIGTERM', () => void stop('SIGTERM'))
}

await main()
