import t from 'tap'
import { REDACTED, redactDeep, redactText } from '../src/index.js'

const UPLOAD_URL = 'https://open-upload.tiktokapis.com/video/?upload_id=67890&upload_token=Xza123SECRET'

t.test('the upload_token of a TikTok upload_url is redacted, the upload_id kept', async (t) => {
  const text = redactText(`PUT ${UPLOAD_URL} failed`)
  t.notOk(text.includes('Xza123SECRET'))
  t.equal(
    text,
    `PUT https://open-upload.tiktokapis.com/video/?upload_id=67890&upload_token=${REDACTED} failed`,
  )
})

t.test('an upload_url inside a logged object loses its upload_token', async (t) => {
  const out = JSON.stringify(redactDeep({ post: { uploadUrl: UPLOAD_URL, upload_token: 'Xza123SECRET' } }))
  t.notOk(out.includes('Xza123SECRET'))
  t.match(out, /upload_id=67890/)
})

t.test('secret fields echoed in free text (form or JSON) are redacted', async (t) => {
  const text = redactText(
    'upstream said {"access_token":"opaqueAAA111","refresh_token": "opaqueBBB222"} for client_secret=opaqueCCC333',
  )
  for (const secret of ['opaqueAAA111', 'opaqueBBB222', 'opaqueCCC333'])
    t.notOk(text.includes(secret), secret)
  t.match(text, /"access_token":"\[REDACTED\]"/)
})

t.test('credential headers are redacted by name', async (t) => {
  const headers = {
    authorization: 'Bearer x',
    'proxy-authorization': 'Basic abc',
    'x-api-key': 'k-123',
    'x-internal-token': 'jwt',
    cookie: 'a=b',
    'set-cookie': ['c=d'],
    'user-agent': 'ua',
  }
  t.same(redactDeep(headers, 'headers'), {
    authorization: REDACTED,
    'proxy-authorization': REDACTED,
    'x-api-key': REDACTED,
    'x-internal-token': REDACTED,
    cookie: REDACTED,
    'set-cookie': REDACTED,
    'user-agent': 'ua',
  })
})

t.test(
  'TikTok Shop: the app secret and auth code of a token URL, and x-tts-access-token, are redacted',
  async (t) => {
    const url =
      'https://auth.tiktok-shops.com/api/v2/token/get?app_key=k1&app_secret=shopSECRET1&auth_code=codeSECRET2&grant_type=authorized_code'
    const text = redactText(`GET ${url} failed; app_secret: shopSECRET1`)
    for (const secret of ['shopSECRET1', 'codeSECRET2']) t.notOk(text.includes(secret), secret)
    t.match(text, /app_key=k1/)
    t.same(redactDeep({ 'x-tts-access-token': 'ROW_abc', app_secret: 's', auth_code: 'c' }, 'headers'), {
      'x-tts-access-token': REDACTED,
      app_secret: REDACTED,
      auth_code: REDACTED,
    })
  },
)

t.test('text without a secret comes back as it is; every kind of secret is still found', async (t) => {
  for (const plain of [
    'incoming request',
    '/v1/posts/0f9d1a34-5b6c-4d7e-8f90-123456789abc',
    '127.0.0.1:3000',
  ])
    t.equal(redactText(plain), plain, plain)
  const cases: [string, string][] = [
    ['GET /cb?state=s&CODE=authSECRET1', 'authSECRET1'],
    ['Upload_Token=upSECRET2 rejected', 'upSECRET2'],
    ['{"Client_Secret": "csSECRET3"}', 'csSECRET3'],
    ['token act.tokenSECRET4abcdef was refused', 'act.tokenSECRET4abcdef'],
    ['header Bearer bearerSECRET5', 'bearerSECRET5'],
  ]
  for (const [text, secret] of cases) t.notOk(redactText(text).includes(secret), text)
})
