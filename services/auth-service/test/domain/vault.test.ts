import t from 'tap'
import { createVault, parseKeyList, VaultError } from '../../src/domain/vault.js'
import { newKey } from '../helper.js'

const keys = `a:${newKey()},b:${newKey()}`

t.test('a sealed value opens under its key id and aad only', async (t) => {
  const vault = createVault({ keys, activeKeyId: 'b' })
  const sealed = vault.seal('act.secret-token-value', 'tenant|tiktok|open|access')
  t.equal(sealed.keyId, 'b')
  t.notOk(sealed.blob.includes(Buffer.from('act.secret')), 'ciphertext does not contain the plaintext')
  t.equal(vault.open(sealed, 'tenant|tiktok|open|access'), 'act.secret-token-value')
  t.throws(
    () => vault.open(sealed, 'tenant|tiktok|other|access'),
    VaultError,
    'a blob moved to another row fails',
  )
  const tampered = Buffer.from(sealed.blob)
  tampered[tampered.length - 1]! ^= 1
  t.throws(() => vault.open({ keyId: 'b', blob: tampered }, 'tenant|tiktok|open|access'), VaultError)
})

t.test('two seals of the same value differ (random IV)', async (t) => {
  const vault = createVault({ keys, activeKeyId: 'a' })
  t.not(vault.seal('x', 'aad').blob.toString('hex'), vault.seal('x', 'aad').blob.toString('hex'))
})

t.test('bad key lists are refused without echoing the keys', async (t) => {
  t.throws(() => parseKeyList('a:short'), /must be 32 bytes/)
  t.throws(() => parseKeyList('nokey'), /kid:base64key/)
  t.throws(() => parseKeyList(`a:${newKey()},a:${newKey()}`), /twice/)
  t.throws(() => createVault({ keys, activeKeyId: 'c' }), /not in the key list/)
})
