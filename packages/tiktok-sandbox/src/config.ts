import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import type { SandboxOptions } from './sandbox.js'
import type { AddUserInput } from './state/users.js'

/** Default port of the CLI (tests use port 0 through `createSandbox`). */
export const DEFAULT_CLI_PORT = 4010

const list = (v: string) =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)

function parseJson(name: string, raw: string): unknown {
  try {
    return JSON.parse(raw)
  } catch (err) {
    throw new Error(`${name} is not valid JSON: ${(err as Error).message}`)
  }
}

/** `SANDBOX_SEED_USERS`: a count (`3`) or a JSON array of AddUserInput. */
function seedUsers(raw: string): AddUserInput[] {
  if (/^\d+$/.test(raw.trim())) return Array.from({ length: Number(raw) }, () => ({}))
  const users = parseJson('SANDBOX_SEED_USERS', raw)
  if (!Array.isArray(users)) throw new Error('SANDBOX_SEED_USERS must be a number or a JSON array of users')
  return users as AddUserInput[]
}

/** `--state-file <path>` from the command line, if given. Throws on unknown arguments. */
function stateFileArg(argv: string[]): string | undefined {
  try {
    return parseArgs({ args: argv, options: { 'state-file': { type: 'string' } } }).values['state-file']
  } catch (err) {
    throw new Error(`${(err as Error).message} (the only option is --state-file <path>)`)
  }
}

/**
 * CLI configuration: the JSON file named by `SANDBOX_CONFIG` (a `SandboxOptions` object), then
 * env vars on top: SANDBOX_PORT, SANDBOX_HOST, SANDBOX_PUBLIC_URL, SANDBOX_CLIENT_KEY,
 * SANDBOX_CLIENT_SECRET, SANDBOX_REDIRECT_URIS (comma-separated), SANDBOX_WEBHOOK_URL,
 * SANDBOX_VERIFIED_URL_PREFIXES (comma-separated), SANDBOX_SEED_USERS (count or JSON array),
 * SANDBOX_SETTINGS (JSON, partial SandboxSettings), SANDBOX_STATE_FILE, the TikTok Shop app's
 * SANDBOX_SHOP_APP_KEY, SANDBOX_SHOP_APP_SECRET, SANDBOX_SHOP_SERVICE_ID, SANDBOX_SHOP_REDIRECT_URI and
 * SANDBOX_SHOP_SELLERS (JSON array of AddSellerInput), the Instagram app's SANDBOX_IG_APP_ID,
 * SANDBOX_IG_APP_SECRET, SANDBOX_IG_REDIRECT_URIS (comma-separated) and SANDBOX_IG_ACCOUNTS (JSON
 * array of AddIgAccountInput); then `argv` (the
 * arguments after the script): `--state-file <path>` wins over the env var. The state file path
 * is made absolute against the working directory. Throws `Error` with a readable message.
 */
export function loadCliOptions(env: NodeJS.ProcessEnv, argv: string[] = []): SandboxOptions {
  const options: SandboxOptions = env.SANDBOX_CONFIG
    ? (parseJson('SANDBOX_CONFIG file', readFileSync(env.SANDBOX_CONFIG, 'utf8')) as SandboxOptions)
    : {}
  if (env.SANDBOX_PORT !== undefined) {
    const port = Number(env.SANDBOX_PORT)
    if (!Number.isInteger(port) || port < 0 || port > 65535)
      throw new Error('SANDBOX_PORT must be a port number')
    options.port = port
  }
  options.port ??= DEFAULT_CLI_PORT
  if (env.SANDBOX_HOST) options.host = env.SANDBOX_HOST
  if (env.SANDBOX_PUBLIC_URL) options.publicUrl = env.SANDBOX_PUBLIC_URL.replace(/\/$/, '')
  if (env.SANDBOX_CLIENT_KEY) options.clientKey = env.SANDBOX_CLIENT_KEY
  if (env.SANDBOX_CLIENT_SECRET) options.clientSecret = env.SANDBOX_CLIENT_SECRET
  if (env.SANDBOX_REDIRECT_URIS) options.redirectUris = list(env.SANDBOX_REDIRECT_URIS)
  if (env.SANDBOX_WEBHOOK_URL) options.webhookUrl = env.SANDBOX_WEBHOOK_URL
  if (env.SANDBOX_VERIFIED_URL_PREFIXES) options.verifiedUrlPrefixes = list(env.SANDBOX_VERIFIED_URL_PREFIXES)
  if (env.SANDBOX_SEED_USERS) options.users = seedUsers(env.SANDBOX_SEED_USERS)
  if (env.SANDBOX_SETTINGS) {
    options.settings = {
      ...options.settings,
      ...(parseJson('SANDBOX_SETTINGS', env.SANDBOX_SETTINGS) as object),
    }
  }
  const shop = {
    ...options.shop,
    ...(env.SANDBOX_SHOP_APP_KEY ? { appKey: env.SANDBOX_SHOP_APP_KEY } : {}),
    ...(env.SANDBOX_SHOP_APP_SECRET ? { appSecret: env.SANDBOX_SHOP_APP_SECRET } : {}),
    ...(env.SANDBOX_SHOP_SERVICE_ID ? { serviceId: env.SANDBOX_SHOP_SERVICE_ID } : {}),
    ...(env.SANDBOX_SHOP_REDIRECT_URI ? { redirectUri: env.SANDBOX_SHOP_REDIRECT_URI } : {}),
    ...(env.SANDBOX_SHOP_SELLERS
      ? { sellers: parseJson('SANDBOX_SHOP_SELLERS', env.SANDBOX_SHOP_SELLERS) as [] }
      : {}),
  }
  if (Object.keys(shop).length > 0) options.shop = shop
  const instagram = {
    ...options.instagram,
    ...(env.SANDBOX_IG_APP_ID ? { appId: env.SANDBOX_IG_APP_ID } : {}),
    ...(env.SANDBOX_IG_APP_SECRET ? { appSecret: env.SANDBOX_IG_APP_SECRET } : {}),
    ...(env.SANDBOX_IG_REDIRECT_URIS ? { redirectUris: list(env.SANDBOX_IG_REDIRECT_URIS) } : {}),
    ...(env.SANDBOX_IG_ACCOUNTS
      ? { accounts: parseJson('SANDBOX_IG_ACCOUNTS', env.SANDBOX_IG_ACCOUNTS) as [] }
      : {}),
  }
  if (Object.keys(instagram).length > 0) options.instagram = instagram
  const stateFile = stateFileArg(argv) ?? (env.SANDBOX_STATE_FILE || options.stateFile)
  if (stateFile) options.stateFile = resolve(stateFile)
  return options
}
