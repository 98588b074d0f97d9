import { OAUTH_MESSAGE, outcomeInUrl } from '../src/oauth-popup.js'

/**
 * Where the gateway's OAuth callback sends the popup (README "Connecting an account"): posts
 * the outcome to the window that opened it — only to the origin named in `?origin=` (the
 * browser drops the message if the opener is elsewhere) — and closes itself. Opened without an
 * opener (popups were blocked, or reloaded), it says the outcome instead.
 */
const result = outcomeInUrl(location.href)
const origin = new URL(location.href).searchParams.get('origin')
const text = document.getElementById('msg') as HTMLElement
if (result && origin && window.opener) {
  ;(window.opener as Window).postMessage({ type: OAUTH_MESSAGE, ...result }, origin)
  text.textContent = 'Done. You can close this window.'
  window.close()
} else if (result) {
  text.textContent =
    result.outcome === 'connected'
      ? 'The TikTok account is connected.'
      : `Not connected (${result.errorCode ?? 'error'}).`
}
