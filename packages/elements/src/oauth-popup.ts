import type { BridgeApi } from './api.js'

/** What the OAuth return page reports (README "Connecting an account": the callback's query). */
export interface ConnectResult {
  outcome: 'connected' | 'denied' | 'failed'
  connectionId?: string
  errorCode?: string
}

/** The `postMessage` type the console's OAuth return page sends its opener. */
export const OAUTH_MESSAGE = 'sb-oauth'

/** How long an outcome may still arrive after the popup is seen closed, ms. */
const CLOSED_GRACE_MS = 1000

/**
 * Runs TikTok's consent in a popup (README "Connecting an account"): opens the popup at once
 * (inside the click, so it is not blocked), asks the gateway for the authorize URL with
 * `returnUrl` plus `origin=<this page's origin>` (the return page posts only to that origin),
 * sends the popup there, and resolves the outcome the return page posts — accepted only from
 * that popup and from `returnUrl`'s origin — then closes the popup. Resolves `'closed'` when the
 * user closes the popup first (no outcome within 1 s of the popup being seen closed). When popups are blocked, navigates this page to TikTok instead
 * (`fallbackReturnUrl` then receives the outcome in its query) and resolves `'redirected'`.
 * Rejects with the gateway's `ApiError` (e.g. 400 when `returnUrl` is not allowed).
 */
export async function connectInPopup(
  api: BridgeApi,
  returnUrl: string,
  fallbackReturnUrl: string,
): Promise<ConnectResult | 'closed' | 'redirected'> {
  const popup = window.open('about:blank', 'sb-tiktok-connect', 'popup,width=520,height=720')
  if (!popup) {
    location.assign(await api.authorizeUrl(fallbackReturnUrl))
    return 'redirected'
  }
  const target = new URL(returnUrl, location.href)
  target.searchParams.set('origin', location.origin)
  try {
    popup.location.href = await api.authorizeUrl(target.href)
  } catch (err) {
    popup.close()
    throw err
  }
  return new Promise((resolve) => {
    let settled = false
    const done = (r: ConnectResult | 'closed') => {
      if (settled) return
      settled = true
      window.removeEventListener('message', onMessage)
      clearInterval(watch)
      if (!popup.closed) popup.close()
      resolve(r)
    }
    const onMessage = (e: MessageEvent) => {
      const data = e.data as Partial<ConnectResult> & { type?: string }
      if (e.source !== popup || e.origin !== target.origin || data?.type !== OAUTH_MESSAGE) return
      const outcome = data.outcome === 'connected' || data.outcome === 'denied' ? data.outcome : 'failed'
      done({
        outcome,
        ...(data.connectionId ? { connectionId: data.connectionId } : {}),
        ...(data.errorCode ? { errorCode: data.errorCode } : {}),
      })
    }
    window.addEventListener('message', onMessage)
    // The return page posts its outcome and then closes itself: the message may be dispatched
    // after the close is seen, so a closed popup counts as 'closed' only after a grace period.
    const watch = setInterval(() => {
      if (!popup.closed) return
      clearInterval(watch)
      setTimeout(() => done('closed'), CLOSED_GRACE_MS)
    }, 500)
  })
}

/** The outcome a full-page redirect left in this page's query, or undefined. */
export function outcomeInUrl(href: string): ConnectResult | undefined {
  const q = new URL(href).searchParams
  const outcome = q.get('outcome')
  if (outcome !== 'connected' && outcome !== 'denied' && outcome !== 'failed') return undefined
  return {
    outcome,
    ...(q.get('connectionId') ? { connectionId: q.get('connectionId') as string } : {}),
    ...(q.get('errorCode') ? { errorCode: q.get('errorCode') as string } : {}),
  }
}
