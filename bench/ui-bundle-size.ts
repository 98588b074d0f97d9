/**
 * Size of what a CRM page downloads for the elements, gzipped (level 9, as servers and CDNs
 * send it): the elements' bundle (`packages/elements/dist/lib`, Lit included, without the
 * chart library) and the chart library's chunk (uPlot and its CSS, loaded on the first chart).
 * Budgets: elements < 60 kB, chart library < 60 kB more. Baseline measured in the same run:
 * Lit alone (lit-html + LitElement + reactive-element, minified by the same build), so the
 * ratio shows what the screens add on top of their framework.
 *
 *   pnpm exec tsx bench/ui-bundle-size.ts      (builds the package first when it is stale)
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { ensureElementsBuilt, LIB_DIR, PACKAGE_DIR } from '@social-bridge/elements/build'
import { build } from 'vite'

const KB = 1000
const gz = (file: string) => gzipSync(readFileSync(file), { level: 9 }).length

await ensureElementsBuilt()
const files = readdirSync(LIB_DIR).filter((f) => f.endsWith('.js'))
const isChart = (f: string) => f.startsWith('uPlot')
const react = files.filter((f) => f.startsWith('sb-react'))
const elements = files.filter((f) => !isChart(f) && !react.includes(f))
const sum = (fs: string[], dir = LIB_DIR) => fs.reduce((n, f) => n + gz(join(dir, f)), 0)

// Baseline: Lit alone through the same Vite build.
const dir = mkdtempSync(join(tmpdir(), 'sb-lit-'))
try {
  const lit = createRequire(join(PACKAGE_DIR, 'package.json')).resolve('lit')
  writeFileSync(join(dir, 'lit.js'), `export * from ${JSON.stringify(lit)}\n`)
  await build({
    configFile: false,
    logLevel: 'silent',
    root: dir,
    build: {
      outDir: join(dir, 'out'),
      minify: true,
      lib: { entry: join(dir, 'lit.js'), formats: ['es'], fileName: 'lit' },
    },
  })
  const out = join(dir, 'out')
  const litGz = sum(
    readdirSync(out).filter((f) => /\.m?js$/.test(f)),
    out,
  )
  const rows: [string, number, number | undefined][] = [
    ['Lit alone (baseline)', litGz, undefined],
    [`elements (${elements.join(', ')})`, sum(elements), 60 * KB],
    ['React wrapper (sb-react.js, React external)', sum(react), undefined],
    [`chart library (${files.filter(isChart).join(', ')})`, sum(files.filter(isChart)), 60 * KB],
  ]
  for (const [name, size, budget] of rows) {
    const vsLit = `${(size / litGz).toFixed(2)}× Lit`
    const vsBudget = budget ? `, ${((size / budget) * 100).toFixed(0)} % of the ${budget / KB} kB budget` : ''
    console.log(`${name.padEnd(70)} ${(size / KB).toFixed(1).padStart(6)} kB gz  (${vsLit}${vsBudget})`)
  }
  const over = rows.filter(([, size, budget]) => budget !== undefined && size > budget)
  if (over.length) {
    console.error(`over budget: ${over.map(([n]) => n).join('; ')}`)
    process.exitCode = 1
  }
} finally {
  rmSync(dir, { recursive: true, force: true })
}
