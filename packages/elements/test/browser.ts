import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Teardownable } from '@social-bridge/service-kit/testing'
import { type BrowserContext, chromium, type Page } from 'playwright-core'

/** Debian's chromium, installed by scripts/ensure-tools.sh; never a downloaded browser. */
export const CHROMIUM = '/usr/bin/chromium'
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

/** Where screenshots go (git-ignored). */
export const ARTIFACTS = new URL('../artifacts/', import.meta.url).pathname

/** Page sizes of the screenshots: a desktop and a phone. */
export const VIEWPORTS = {
  desktop: { width: 1280, height: 900 },
  phone: { width: 390, height: 844 },
} as const

/** Starts chromium with a fresh profile (removed at teardown); one per test file. */
export async function launchBrowser(t: Teardownable): Promise<BrowserContext> {
  const profile = mkdtempSync(join(tmpdir(), 'sb-chromium-'))
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    viewport: VIEWPORTS.desktop,
  })
  context.setDefaultTimeout(60_000)
  t.teardown(async () => {
    await context.close()
    rmSync(profile, { recursive: true, force: true })
  })
  return context
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8')

/** One axe-core finding: rule id, impact and where. */
export interface AxeViolation {
  id: string
  impact: string | null
  help: string
  targets: string[]
}

/** Runs axe-core (WCAG 2 A/AA rules) on `selector` and returns the serious and critical violations. */
export async function seriousViolations(page: Page, selector: string): Promise<AxeViolation[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ content: axeSource })
  return page.evaluate(async (sel) => {
    const axe = (
      window as unknown as {
        axe: {
          run: (
            c: unknown,
            o: unknown,
          ) => Promise<{
            violations: { id: string; impact: string | null; help: string; nodes: { target: unknown[] }[] }[]
          }>
        }
      }
    ).axe
    const r = await axe.run(
      { include: [[sel]] },
      { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21aa'] } },
    )
    return r.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        targets: v.nodes.map((n) => JSON.stringify(n.target)),
      }))
  }, selector)
}

/** Screenshots `page` at desktop and phone widths into ARTIFACTS as `<name>-desktop.png` and `<name>-phone.png`. */
export async function screenshots(page: Page, name: string): Promise<string[]> {
  mkdirSync(ARTIFACTS, { recursive: true })
  const files: string[] = []
  for (const [size, viewport] of Object.entries(VIEWPORTS)) {
    await page.setViewportSize(viewport)
    const path = join(ARTIFACTS, `${name}-${size}.png`)
    await page.screenshot({ path, fullPage: true })
    files.push(path)
  }
  await page.setViewportSize(VIEWPORTS.desktop)
  return files
}
