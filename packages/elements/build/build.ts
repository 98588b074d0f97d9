import { build, type InlineConfig } from 'vite'
import { CONSOLE_DIR, LIB_DIR, PACKAGE_DIR } from './paths.js'

const quiet: InlineConfig = { configFile: false, logLevel: 'warn', root: PACKAGE_DIR }

/**
 * Builds the package with Vite into `dist/` (git-ignored): `dist/lib/sb-elements.js` and
 * `dist/lib/sb-react.js` (ES modules; Lit bundled, React external, uPlot in a chunk of its own
 * loaded on first chart) and `dist/console/` (the console pages, base `/console/`).
 */
export async function buildElements(): Promise<void> {
  await build({
    ...quiet,
    build: {
      outDir: LIB_DIR,
      emptyOutDir: true,
      target: 'es2022',
      minify: true,
      lib: {
        entry: { 'sb-elements': `${PACKAGE_DIR}src/index.ts`, 'sb-react': `${PACKAGE_DIR}src/react.ts` },
        formats: ['es'],
      },
      rollupOptions: { external: ['react'] },
    },
  })
  await build({
    ...quiet,
    root: `${PACKAGE_DIR}console`,
    base: '/console/',
    build: {
      outDir: CONSOLE_DIR,
      emptyOutDir: true,
      target: 'es2022',
      rollupOptions: {
        input: {
          index: `${PACKAGE_DIR}console/index.html`,
          'oauth-return': `${PACKAGE_DIR}console/oauth-return.html`,
        },
      },
    },
  })
}

if (import.meta.url === `file://${process.argv[1]}`) await buildElements()
