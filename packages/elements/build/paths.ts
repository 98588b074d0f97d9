import { fileURLToPath } from 'node:url'

/** The package's folder. */
export const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url))
/** The build output (git-ignored): `lib/` (the ES modules) and `console/` (the gateway's `/console/`). */
export const DIST_DIR = fileURLToPath(new URL('../dist/', import.meta.url))
/** What the gateway serves at `/console/`. */
export const CONSOLE_DIR = fileURLToPath(new URL('../dist/console/', import.meta.url))
/** The library bundle: the elements and their shared chunks. */
export const LIB_DIR = fileURLToPath(new URL('../dist/lib/', import.meta.url))
