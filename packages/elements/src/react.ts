import { createComponent } from '@lit/react'
import * as React from 'react'
import { SbComposer, SbConnections, SbDashboard } from './index.js'

/**
 * React components for the elements (via @lit/react): properties such as `getToken` pass
 * through, and `onConnected`, `onDisconnected`, `onPosted`, `onCompose` receive the elements'
 * `sb-*` events. See docs/embedding.md.
 */
export const Connections = createComponent({
  tagName: 'sb-connections',
  elementClass: SbConnections,
  react: React,
  events: { onConnected: 'sb-connected', onDisconnected: 'sb-disconnected' },
})

export const Composer = createComponent({
  tagName: 'sb-composer',
  elementClass: SbComposer,
  react: React,
  events: { onPosted: 'sb-posted' },
})

export const Dashboard = createComponent({
  tagName: 'sb-dashboard',
  elementClass: SbDashboard,
  react: React,
  events: { onCompose: 'sb-compose' },
})
