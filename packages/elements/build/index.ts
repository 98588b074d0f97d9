/** Node-side helpers of @social-bridge/elements: where the build output is, and building it when stale. */
export { buildElements } from './build.js'
export { ensureElementsBuilt } from './ensure-built.js'
export { CONSOLE_DIR, DIST_DIR, LIB_DIR, PACKAGE_DIR } from './paths.js'
