/**
 * Compiles every test file of the workspace to one JavaScript file, so the whole suite
 * (`bash scripts/run.sh test`) runs without a loader hook: on Node 20 an ESM loader hook (tsx)
 * runs off-thread and every module a test loads pays a round trip, which made starting a test
 * process cost more than most test bodies. A single file during development still runs through
 * tsx: `pnpm exec tap path/to/x.test.ts`.
 *
 * `<package>/test/a/b.test.ts` becomes `<package>/.test-bundles/test/a/b.test.mjs` (gitignored):
 * - the test's own code and the workspace packages it imports are inlined, TypeScript stripped
 *   by esbuild (the same compiler tsx uses), with inline source maps so failures point at the
 *   TypeScript lines;
 * - third-party packages stay external, imported by the real path Node resolves from the module
 *   that imports them, so each is loaded once, from the same files as without bundling;
 * - `import.meta.url` of every inlined module is its original file's URL, so fixture, migration
 *   and media paths resolve as before.
 *
 * Usage: `node --import tsx scripts/test-bundles.ts [--list]` — writes the bundles and prints
 * their paths (relative to the repository root), one a line. Files are found with `.taprc`'s
 * `include` globs.
 */
import { readdirSync, readFileSync, realpathSync, rmSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { PORTS, stackProcesses } from '@social-bridge/stack'
import { build, type Plugin } from 'esbuild'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..')
/** Directory, inside each package, that holds its test bundles. */
export const BUNDLE_DIR = '.test-bundles'

/** `.taprc`'s `include` globs (a YAML list of plain strings). */
function includeGlobs(): string[] {
  const rc = readFileSync(join(ROOT, '.taprc'), 'utf8')
  const block = rc.match(/^include:\n((?:\s+-.*\n)+)/m)
  if (!block?.[1]) throw new Error('.taprc has no include list')
  return [...block[1].matchAll(/-\s*"?([^"\n]+?)"?\s*$/gm)].map((m) => m[1]!)
}

/** The directory of the package (nearest package.json) that holds `file`. */
function packageDir(file: string): string {
  let dir = dirname(file)
  while (dir !== ROOT) {
    try {
      readFileSync(join(dir, 'package.json'))
      return dir
    } catch {
      dir = dirname(dir)
    }
  }
  return ROOT
}

const isWorkspaceFile = (path: string) => !path.split(/[\\/]/).includes('node_modules')

/**
 * Keeps third-party packages external, imported by their resolved real path (what Node would
 * load for the importing module), and gives inlined modules their original `import.meta.url`.
 */
const workspacePlugin: Plugin = {
  name: 'social-bridge-test-bundle',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, async (args) => {
      if (args.pluginData === 'inner' || args.path.startsWith('node:')) return undefined
      const res = await b.resolve(args.path, {
        kind: args.kind,
        importer: args.importer,
        resolveDir: args.resolveDir,
        pluginData: 'inner',
      })
      if (res.errors.length > 0) return { errors: res.errors }
      if (res.external || !res.path) return { path: args.path, external: true }
      const real = realpathSync(res.path)
      if (isWorkspaceFile(real)) return { path: real }
      return { path: real, external: true }
    })
    b.onLoad({ filter: /\.[mc]?[jt]sx?$/ }, (args) => {
      if (!isWorkspaceFile(args.path)) return undefined
      const source = readFileSync(args.path, 'utf8')
      if (!source.includes('import.meta')) return undefined
      const url = JSON.stringify(pathToFileURL(args.path).href)
      const contents = source
        .replaceAll('import.meta.url', url)
        .replaceAll('import.meta.filename', JSON.stringify(args.path))
        .replaceAll('import.meta.dirname', JSON.stringify(dirname(args.path)))
      const loader = (args.path.match(/\.([mc]?)([jt]sx?)$/)?.[2] ?? 'ts') as 'ts' | 'tsx' | 'js' | 'jsx'
      return { contents, loader, resolveDir: dirname(args.path) }
    })
  },
}

/** Bundles `files` (absolute paths); returns the bundles' absolute paths in the same order. */
export async function bundleTests(files: string[]): Promise<string[]> {
  const outputs = files.map((file) => {
    const pkg = packageDir(file)
    return join(pkg, BUNDLE_DIR, relative(pkg, file).replace(/\.[mc]?ts$/, '.mjs'))
  })
  await build({
    // one build for all: the modules the files share are parsed once
    entryPoints: files.map((file, i) => ({
      in: file,
      out: relative(ROOT, outputs[i]!).replace(/\.mjs$/, ''),
    })),
    outdir: ROOT,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // what Node itself resolves: no bundler-only `module` condition or main field
    conditions: [],
    mainFields: ['main'],
    // bundling may rename clashing classes and functions; keep the names errors report
    keepNames: true,
    sourcemap: 'inline',
    sourcesContent: false,
    logLevel: 'warning',
    plugins: [workspacePlugin],
  })
  return outputs
}

/** A glob of `.taprc` (`*`, `**`) as a regular expression over repository-relative paths. */
function globToRegExp(pattern: string): RegExp {
  const parts = pattern.split(/(\*\*\/|\*)/).map((p) => {
    if (p === '**/') return '(?:[^/]+/)*'
    if (p === '*') return '[^/]*'
    return p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')
  })
  return new RegExp(`^${parts.join('')}$`)
}

/** Files under `dir`, relative to ROOT, skipping node_modules and hidden directories. */
function walk(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
    const rel = dir ? `${dir}/${entry.name}` : entry.name
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules' && !entry.name.startsWith('.')) walk(rel, out)
    } else out.push(rel)
  }
  return out
}

/** Every test file `.taprc` includes, sorted, as absolute paths. */
export function testFiles(): string[] {
  const patterns = includeGlobs().map(globToRegExp)
  return walk('')
    .filter((f) => patterns.some((p) => p.test(f)))
    .sort()
    .map((f) => join(ROOT, f))
}

/**
 * The stack's process entry points (sandbox and services), as absolute paths: bundled with the
 * tests so the stacks the tests start run them compiled (`STACK_COMPILED_ENTRIES`, @social-bridge/stack).
 */
export function stackEntries(): string[] {
  return stackProcesses(PORTS).map((p) => join(ROOT, p.entry))
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const files = [...testFiles(), ...stackEntries()]
  for (const dir of new Set(files.map((f) => join(packageDir(f), BUNDLE_DIR)))) {
    rmSync(dir, { recursive: true, force: true })
  }
  const bundles = await bundleTests(files)
  for (const b of bundles) console.log(relative(ROOT, b))
}
