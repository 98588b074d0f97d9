/**
 * @social-bridge/elements: the CRM's screens as custom elements. Importing this module defines
 * `<sb-connections>`, `<sb-composer>`, `<sb-dashboard>` (and `<sb-chart>`, used by the dashboard).
 * See docs/embedding.md.
 */
import { SbChart } from './chart.js'
import { SbComposer } from './composer.js'
import { SbConnections } from './connections.js'
import { SbDashboard } from './dashboard.js'

export { ApiError, BridgeApi, type TokenProvider, type UploadProgress } from './api.js'
export { LOCALES, type Locale, setLocale } from './i18n.js'
export { SbChart, SbComposer, SbConnections, SbDashboard }

const tags: [string, CustomElementConstructor][] = [
  ['sb-connections', SbConnections],
  ['sb-composer', SbComposer],
  ['sb-dashboard', SbDashboard],
  ['sb-chart', SbChart],
]
for (const [tag, ctor] of tags) if (!customElements.get(tag)) customElements.define(tag, ctor)
