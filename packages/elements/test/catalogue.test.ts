import { readdirSync, readFileSync } from 'node:fs'
import t from 'tap'

// Every message id the elements use has a Vietnamese and a French string, with the same
// placeholders, and the catalogues hold no id the elements no longer use.
const src = new URL('../src/', import.meta.url)
const code = readdirSync(src)
  .filter((f) => f.endsWith('.ts'))
  .map((f) => readFileSync(new URL(f, src), 'utf8'))
  .join('\n')
const used = new Map<string, number>()
for (const m of code.matchAll(/msg\(\s*(str)?(`[^`]*`|'[^']*'|"[^"]*")\s*,\s*\{\s*id: '([^']+)'/g)) {
  used.set(m[3] as string, (m[2]?.match(/\$\{/g) ?? []).length)
}

t.ok(used.size > 50, `found the elements' message ids (${used.size})`)
for (const locale of ['vi', 'fr']) {
  const text = readFileSync(new URL(`locales/${locale}.ts`, src), 'utf8')
  const entries = new Map<string, number>()
  for (const m of text.matchAll(/^\s*'?([\w.]+)'?:\s*(str)?([`'"][\s\S]*?[`'"]),?\s*$/gm)) {
    entries.set(m[1] as string, (m[3]?.match(/\$\{\d\}/g) ?? []).length)
  }
  t.same(
    [...used.keys()].filter((id) => !entries.has(id)),
    [],
    `${locale}: every id translated`,
  )
  t.same(
    [...entries.keys()].filter((id) => !used.has(id)),
    [],
    `${locale}: no unused id`,
  )
  t.same(
    [...used].filter(([id, n]) => entries.has(id) && entries.get(id) !== n).map(([id]) => id),
    [],
    `${locale}: same placeholders`,
  )
}
