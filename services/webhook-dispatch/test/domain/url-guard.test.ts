import t from 'tap'
import { createUrlGuard, type Lookup, UrlRefusedError } from '../../src/domain/url-guard.js'

/** A resolver that knows `hooks.example.com` as a private address and `crm.example.com` as a public one. */
const fakeDns: Lookup = (host, _opts, cb) => {
  const table: Record<string, string> = {
    'hooks.example.com': '10.0.0.7',
    'crm.example.com': '93.184.216.34',
  }
  const address = table[host]
  if (!address) return cb(Object.assign(new Error('ENOTFOUND'), { code: 'ENOTFOUND' }), [])
  cb(null, [{ address, family: 4 }])
}

const refused = async (guard: ReturnType<typeof createUrlGuard>, url: string, why: RegExp) => {
  const err = await guard.check(url).catch((e: unknown) => e)
  t.type(err, UrlRefusedError, url)
  t.match((err as Error).message, why, url)
}

t.test('plain http is refused unless the host is allowlisted', async () => {
  const guard = createUrlGuard({ allowedHosts: ['localhost'] })
  await refused(guard, 'http://127.0.0.1:8080/hooks', /only https/)
  await refused(guard, 'http://169.254.169.254/latest/meta-data/', /only https/)
  t.equal((await guard.check('http://localhost:9/hooks')).hostname, 'localhost')
})

t.test('loopback, private, link-local and metadata addresses are refused over https too', async () => {
  const guard = createUrlGuard({ allowedHosts: ['localhost'] })
  for (const url of [
    'https://127.0.0.1/',
    'https://169.254.169.254/latest/meta-data/',
    'https://10.1.2.3/',
    'https://192.168.0.10/',
    'https://172.16.5.5/',
    'https://100.64.0.1/',
    'https://[::1]/',
    'https://[fd00:ec2::254]/',
    'https://[::ffff:169.254.169.254]/',
  ])
    await refused(guard, url, /private/)
})

t.test('a hostname resolving to a private address is refused', async () => {
  // real resolver: `localhost` is 127.0.0.1 in /etc/hosts, and only the IP literal is allowlisted
  await refused(createUrlGuard({ allowedHosts: ['127.0.0.1'] }), 'https://localhost:8443/hooks', /private/)
  await refused(
    createUrlGuard({ allowedHosts: [], resolve: fakeDns }),
    'https://hooks.example.com/x',
    /private/,
  )
  const ok = await createUrlGuard({ allowedHosts: [], resolve: fakeDns }).check('https://crm.example.com/x')
  t.equal(ok.hostname, 'crm.example.com')
})

t.test('the connect-time lookup refuses a private address (DNS rebinding)', async () => {
  const guard = createUrlGuard({ allowedHosts: [], resolve: fakeDns })
  const result = await new Promise<{ err: unknown; address: unknown }>((ok) =>
    guard.lookup('hooks.example.com', { all: true }, (err, address) => ok({ err, address })),
  )
  t.type(result.err, UrlRefusedError)
  const good = await new Promise<{ err: unknown; address: unknown }>((ok) =>
    guard.lookup('crm.example.com', {}, (err, address) => ok({ err, address })),
  )
  t.same(good, { err: null, address: '93.184.216.34' })
})

t.test('URLs with credentials or that are not URLs are refused', async () => {
  const guard = createUrlGuard({ allowedHosts: ['localhost'] })
  await refused(guard, 'https://user:pw@crm.example.com/', /credentials/)
  await refused(guard, 'not a url', /not a URL/)
})
