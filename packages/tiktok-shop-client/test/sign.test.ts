import { createHmac } from 'node:crypto'
import t from 'tap'
import { signRequest, stringToSign } from '../src/index.js'

// Worked examples of docs/tiktok-shop-api.md §3. The expected strings are written out by hand from
// the documented steps; the expected HMACs come from `openssl dgst -sha256 -hmac <secret>` (run
// once, pasted here) and from node:crypto over the hand-written string — neither uses signRequest.

t.test(
  'a GET without body: sorted params after the path, sign and access_token left out, secret on both ends',
  async (t) => {
    const input = {
      path: '/authorization/202309/shops',
      query: { timestamp: '1700000000', sign: 'ignored', access_token: 'ignored', app_key: 'abc123' },
      appSecret: 'shhh',
    }
    const expectedString = 'shhh/authorization/202309/shopsapp_keyabc123timestamp1700000000shhh'
    t.equal(stringToSign(input), expectedString)
    t.equal(signRequest(input), 'bd76d4eb9060fe7f68cd94fe350ae8c4886d354b39bc0849d5572d509da9e10f', 'openssl')
    t.equal(
      signRequest(input),
      createHmac('sha256', 'shhh').update(expectedString).digest('hex'),
      'node:crypto',
    )
  },
)

t.test('a JSON body is appended exactly as sent, after the sorted params', async (t) => {
  const body = '{"order_status":"UNPAID"}'
  const input = {
    path: '/order/202309/orders/search',
    query: { shop_cipher: 'GCP_XYZ', app_key: '6abc0', timestamp: '1623812664', page_size: '20' },
    body,
    contentType: 'application/json',
    appSecret: 'sbx_secret',
  }
  t.equal(
    stringToSign(input),
    `sbx_secret/order/202309/orders/searchapp_key6abc0page_size20shop_cipherGCP_XYZtimestamp1623812664${body}sbx_secret`,
  )
  t.equal(signRequest(input), 'c9d5b4e11d31245c9290f62790d8efc33ee0ba75a2e921777799dc921dbfd812', 'openssl')
})

t.test('a multipart body is not signed; the sign is 64 lowercase hex characters', async (t) => {
  const base = {
    path: '/product/202309/images/upload',
    query: { app_key: 'k', timestamp: '1' },
    appSecret: 's',
  }
  const multipart = signRequest({ ...base, body: '--x\r\n…', contentType: 'multipart/form-data; boundary=x' })
  t.equal(multipart, signRequest(base))
  t.not(signRequest({ ...base, body: '{}', contentType: 'application/json' }), signRequest(base))
  t.match(multipart, /^[0-9a-f]{64}$/)
})
