import { resolve } from 'node:path'
import t from 'tap'
import { loadCliOptions } from '../src/config.js'
import {
  checkChunks,
  checkMedia,
  defaultSettings,
  type MediaSummary,
  urlOwnershipVerified,
} from '../src/index.js'
import { grow } from '../src/metrics.js'
import { redirectUriMatches } from '../src/oauth/redirect-uri.js'
import { applySettings } from '../src/settings.js'

const good: MediaSummary = {
  container: 'MPEG-4',
  truncated: false,
  hasVideo: true,
  videoCodec: 'AVC',
  durationSec: 15,
  width: 1080,
  height: 1920,
  frameRate: 30,
}

t.test('media checks map each limit of docs/tiktok-api.md §3.9 to its fail_reason', async (t) => {
  t.equal(checkMedia(good, 60), null)
  t.equal(checkMedia({ ...good, container: 'Matroska' }, 60), 'file_format_check_failed')
  t.equal(checkMedia({ ...good, truncated: true }, 60), 'file_format_check_failed')
  t.equal(checkMedia({ ...good, durationSec: 61 }, 60), 'duration_check_failed')
  t.equal(checkMedia({ ...good, width: 359 }, 60), 'picture_size_check_failed')
  t.equal(checkMedia({ ...good, height: 4097 }, 60), 'picture_size_check_failed')
  t.equal(checkMedia({ ...good, frameRate: 22 }, 60), 'frame_rate_check_failed')
  t.equal(checkMedia({ ...good, frameRate: 61 }, 60), 'frame_rate_check_failed')
  t.equal(checkMedia({ ...good, frameRate: undefined }, 60), 'frame_rate_check_failed', 'unreadable rate')
  t.equal(checkMedia({ ...good, container: 'WebM', videoCodec: 'VP9' }, 60), null)
})

t.test('chunk rules: floor count, 5 MiB single chunk, 64 MiB chunks, 128 MiB last chunk', async (t) => {
  t.equal(checkChunks(50_000_123, 10_000_000, 5), null)
  t.equal(checkChunks(50_000_123, 10_000_000, 6), 'The total chunk count is invalid')
  t.equal(checkChunks(4_000_000, 4_000_000, 1), null)
  t.equal(checkChunks(10_000_000, 10_000_000, 1), null)
  t.equal(
    checkChunks(15_000_000, 10_000_000, 1),
    'The chunk size is invalid',
    'one chunk must be the whole file',
  )
  t.equal(checkChunks(200 * 2 ** 20, 64 * 2 ** 20, 3), null)
  const mib64 = 64 * 2 ** 20
  t.equal(checkChunks(mib64, mib64, 1), null, 'exactly 64 MiB may go as one chunk')
  t.equal(checkChunks(mib64 - 1, mib64 - 1, 1), null, '64 MiB - 1 as one chunk')
  t.equal(checkChunks(mib64 + 1, mib64 + 1, 1), 'The chunk size is invalid', 'over 64 MiB must be chunked')
  const mib5 = 5 * 2 ** 20
  t.equal(checkChunks(mib5 - 1, mib5 - 1, 1), null, 'under 5 MiB: one whole chunk')
  t.equal(checkChunks(mib5 - 1, 1_000_000, 5), 'The chunk size is invalid', 'under 5 MiB cannot be split')
  t.equal(checkChunks(2 * mib5, mib5, 2), null, 'two chunks of exactly 5 MiB')
  t.equal(checkChunks(100 * 2 ** 20, 4 * 2 ** 20, 25), 'The chunk size is invalid', 'chunks under 5 MiB')
})

t.test('url ownership rules of docs/tiktok-api.md §3.6', async (t) => {
  const verified = ['https://a.example.com/v/', 'static.example.com']
  t.ok(urlOwnershipVerified('https://a.example.com/v/x.mp4', verified))
  t.notOk(urlOwnershipVerified('https://a.example.com/vx.mp4', verified))
  t.ok(urlOwnershipVerified('https://video.static.example.com/x.mp4', verified))
  t.notOk(urlOwnershipVerified('https://example.com/x.mp4', verified))
  t.notOk(urlOwnershipVerified('https://[::1]/x.mp4', ['::1']))
})

t.test('desktop redirect URIs may use a * port on localhost', async (t) => {
  t.ok(redirectUriMatches(['http://127.0.0.1:*/callback/'], 'http://127.0.0.1:53123/callback/'))
  t.notOk(redirectUriMatches(['http://127.0.0.1:*/callback/'], 'http://127.0.0.1/callback/'))
  t.notOk(redirectUriMatches(['https://app.example.com/cb'], 'https://app.example.com/cb/'))
})

t.test('metric growth is monotonic and a pure function of its inputs', async (t) => {
  const values = Array.from({ length: 500 }, (_, i) => grow(1, 'k', 100, 10, i * 7 * 60_000))
  t.ok(
    values.every((v, i) => i === 0 || v >= values[i - 1]!),
    'non-decreasing every 7 minutes over 58 hours',
  )
  t.ok(values[values.length - 1]! > 100 + 500)
  t.equal(grow(1, 'k', 100, 10, 5e6), grow(1, 'k', 100, 10, 5e6))
  const series = (seed: number) =>
    Array.from({ length: 20 }, (_, i) => grow(seed, 'k', 100, 10, i * 3 * 3600_000))
  t.notSame(series(1), series(2), 'another seed gives another series')
})

t.test('CLI options come from env vars on top of defaults', async (t) => {
  const opts = loadCliOptions({
    SANDBOX_PORT: '0',
    SANDBOX_CLIENT_KEY: 'ck',
    SANDBOX_REDIRECT_URIS: 'http://localhost:3000/cb, http://localhost:3001/cb',
    SANDBOX_VERIFIED_URL_PREFIXES: 'https://m.example.com/',
    SANDBOX_SEED_USERS: '2',
    SANDBOX_SETTINGS: '{"pkce":"required"}',
  })
  t.match(opts, {
    port: 0,
    clientKey: 'ck',
    redirectUris: ['http://localhost:3000/cb', 'http://localhost:3001/cb'],
    verifiedUrlPrefixes: ['https://m.example.com/'],
    settings: { pkce: 'required' },
  })
  t.equal(opts.users?.length, 2)
  t.equal(loadCliOptions({}).port, 4010)
  t.throws(() => loadCliOptions({ SANDBOX_PORT: 'abc' }), /SANDBOX_PORT/)
  t.throws(() => loadCliOptions({ SANDBOX_SETTINGS: '{' }), /SANDBOX_SETTINGS/)
})

t.test('the CLI takes a state file from --state-file or SANDBOX_STATE_FILE, made absolute', async (t) => {
  t.equal(loadCliOptions({}).stateFile, undefined, 'in memory by default')
  t.equal(loadCliOptions({ SANDBOX_STATE_FILE: 'rel/state.json' }).stateFile, resolve('rel/state.json'))
  const both = loadCliOptions({ SANDBOX_STATE_FILE: '/env.json' }, ['--state-file', '/flag.json'])
  t.equal(both.stateFile, '/flag.json', 'the flag wins')
  t.throws(() => loadCliOptions({}, ['--stat-file', 'x']), /--state-file/)
})

t.test('limit settings take a number or null; other types are refused', async (t) => {
  const s = applySettings(defaultSettings(), { activeUserCap: 3, webhookMaxAttempts: 5 })
  t.equal(s.activeUserCap, 3)
  t.equal(s.webhookMaxAttempts, 5)
  t.equal(applySettings(s, { webhookMaxAttempts: null }).webhookMaxAttempts, null)
  t.throws(() => applySettings(s, { webhookMaxAttempts: '5' as never }), /number or null/)
})
