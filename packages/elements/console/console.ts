import '../src/index.js'
import { applyLocale } from '../src/i18n.js'

/**
 * The console's page script. The JWT comes in the link's fragment (`#token=…`, never sent to a
 * server), is kept in sessionStorage for this tab and removed from the address bar. The view is
 * `?view=connections|composer|dashboard`; `?lang=` picks the language.
 */
const KEY = 'sb-console-token'
const query = new URLSearchParams(location.search)
const elements = [...document.querySelectorAll<HTMLElement & { getToken?: () => string }>('main [data-view]')]

/** Takes a token from the fragment (a new link opened in this tab too) and hands it to the elements. */
function adoptToken(): void {
  const fromLink = new URLSearchParams(location.hash.slice(1)).get('token')
  if (fromLink) {
    sessionStorage.setItem(KEY, fromLink)
    history.replaceState(null, '', location.pathname + location.search)
  }
  const token = sessionStorage.getItem(KEY)
  ;(document.getElementById('notoken') as HTMLElement).hidden = token !== null
  if (token) for (const el of elements) el.getToken = () => token
}
const buttons = [...document.querySelectorAll<HTMLButtonElement>('nav button')]

function show(view: string): void {
  for (const el of elements) el.hidden = el.dataset.view !== view
  for (const b of buttons) {
    if (b.dataset.view === view) b.setAttribute('aria-current', 'page')
    else b.removeAttribute('aria-current')
  }
  const url = new URL(location.href)
  url.searchParams.set('view', view)
  history.replaceState(null, '', url)
}

for (const el of elements) el.setAttribute('gateway', location.origin)
adoptToken()
window.addEventListener('hashchange', adoptToken)
for (const b of buttons) b.addEventListener('click', () => show(b.dataset.view ?? 'connections'))
document.addEventListener('sb-compose', () => show('composer'))
// what one element changed, the others show too
for (const event of ['sb-connected', 'sb-disconnected', 'sb-posted'])
  document.addEventListener(event, () => {
    for (const el of elements) (el as HTMLElement & { load?: () => void }).load?.()
  })
const select = document.getElementById('locale') as HTMLSelectElement
select.addEventListener('change', () => {
  applyLocale(select.value)
  document.documentElement.lang = select.value
})
const lang = query.get('lang')
if (lang) {
  select.value = lang
  applyLocale(lang)
  document.documentElement.lang = lang
}
show(query.get('view') ?? 'connections')
