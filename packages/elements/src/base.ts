import { updateWhenLocaleChanges } from '@lit/localize'
import { LitElement, type PropertyValues } from 'lit'
import { BridgeApi, type TokenProvider } from './api.js'
import { applyLocale } from './i18n.js'
import { rolesOf } from './roles.js'
import { baseStyles } from './styles.js'

/**
 * What every element shares: `gateway` (attribute: the gateway's origin, e.g.
 * `https://bridge.example.com`), `getToken` (property: returns the CRM's JWT), `locale`
 * (attribute `en`, `vi` or `fr`), the `/v1` client and the user's roles read from the JWT (for
 * showing or hiding actions only: the gateway decides).
 */
export class SbElement extends LitElement {
  static override properties = {
    gateway: { type: String },
    locale: { type: String, reflect: true },
    getToken: { attribute: false },
    roles: { state: true },
  }
  static override styles = [baseStyles]

  declare gateway: string
  declare locale: string | undefined
  declare getToken: TokenProvider | undefined
  declare roles: string[]
  #api?: BridgeApi

  constructor() {
    super()
    updateWhenLocaleChanges(this)
    this.gateway = ''
    this.roles = []
  }

  /** The client for the current `gateway` and `getToken`. */
  get api(): BridgeApi {
    if (!this.#api || this.#api.baseUrl !== this.gateway) {
      this.#api = new BridgeApi(this.gateway || location.origin, () => this.getToken?.() ?? '')
    }
    return this.#api
  }

  get isAdmin(): boolean {
    return this.roles.includes('admin')
  }

  override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('locale')) applyLocale(this.locale)
    if (changed.has('getToken') && this.getToken) {
      void Promise.resolve(this.getToken()).then((t) => {
        this.roles = rolesOf(t)
      })
      this.load()
    }
  }

  /** (Re)loads what the element shows; called when `getToken` is set. */
  load(): void {}

  /** Sends a bubbling, composed `sb-<name>` event for the host page. */
  emit(name: string, detail: unknown): void {
    this.dispatchEvent(new CustomEvent(`sb-${name}`, { detail, bubbles: true, composed: true }))
  }
}
