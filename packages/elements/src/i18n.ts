import { configureLocalization, type LocaleModule } from '@lit/localize'
import * as fr from './locales/fr.js'
import * as vi from './locales/vi.js'

/** Languages of the catalogue: English (the source strings), Vietnamese, French. */
export const LOCALES = ['en', 'vi', 'fr'] as const
export type Locale = (typeof LOCALES)[number]

const catalogues: Record<string, LocaleModule> = { vi, fr }

/**
 * @lit/localize in runtime mode: `msg()` looks strings up in the active locale's `templates`
 * (src/locales/*.ts, keyed by message id), falling back to the English source. The locale is
 * page-wide: setting `locale` on any element switches every element.
 */
export const { getLocale, setLocale } = configureLocalization({
  sourceLocale: 'en',
  targetLocales: ['vi', 'fr'],
  loadLocale: async (locale) => catalogues[locale] ?? { templates: {} },
})

/** Switches the page's elements to `locale` when it is one of `LOCALES` (others are ignored). */
export function applyLocale(locale: string | undefined): void {
  if (locale && (LOCALES as readonly string[]).includes(locale) && locale !== getLocale())
    void setLocale(locale)
}
