import { readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

/** `deploy/monitoring/` of the repository. */
export const MONITORING_DIR = fileURLToPath(new URL('../../deploy/monitoring/', import.meta.url))
export const ALERTS_FILE = `${MONITORING_DIR}prometheus/alerts.yml`
export const ALERT_TESTS_FILE = `${MONITORING_DIR}prometheus/alerts.test.yml`
export const DASHBOARDS_DIR = `${MONITORING_DIR}grafana/dashboards/`
export const OPERATIONS_DOC = fileURLToPath(new URL('../../docs/operations.md', import.meta.url))

/** Each alert rule of alerts.yml: its name and PromQL expression. */
export function alertRules(): { alert: string; expr: string }[] {
  const text = readFileSync(ALERTS_FILE, 'utf8')
  const rules: { alert: string; expr: string }[] = []
  // a rule is `- alert: Name` then `expr: one line` or `expr: |` and its indented block
  const re = /- alert: (\S+)\n\s+expr: (?:\|\n((?:\s{10,}.*\n)+)|(.*)\n)/g
  for (const m of text.matchAll(re)) rules.push({ alert: m[1] as string, expr: (m[2] ?? m[3] ?? '').trim() })
  return rules
}

/** One panel target of a provisioned dashboard. */
export interface PanelQuery {
  dashboard: string
  panel: string
  expr: string
}

/** Every panel query (`targets[].expr`) of every dashboard JSON, rows' nested panels included. */
export function dashboardQueries(): PanelQuery[] {
  const out: PanelQuery[] = []
  type Panel = { title?: string; targets?: { expr?: string }[]; panels?: Panel[] }
  const walk = (dashboard: string, panels: Panel[] = []) => {
    for (const p of panels) {
      for (const t of p.targets ?? [])
        if (t.expr) out.push({ dashboard, panel: p.title ?? '?', expr: t.expr })
      walk(dashboard, p.panels)
    }
  }
  for (const file of readdirSync(DASHBOARDS_DIR).filter((f) => f.endsWith('.json'))) {
    const d = JSON.parse(readFileSync(DASHBOARDS_DIR + file, 'utf8')) as { title: string; panels: Panel[] }
    walk(d.title, d.panels)
  }
  return out
}

const KEYWORDS = new Set([
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'and',
  'or',
  'unless',
  'bool',
  'offset',
  'inf',
  'nan',
  'le',
])

/**
 * The metric names a PromQL expression reads: identifiers that are not functions (followed by
 * `(`), keywords, label names (inside `{…}` or a `by (…)` list), durations or quoted strings.
 */
export function metricNames(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, '')
    .replace(/\[[^\]]*\]/g, '')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, '')
    .replace(/\$\w+/g, '')
  const names = new Set<string>()
  for (const m of stripped.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)(\s*\()?/g)) {
    const [, name, call] = m as unknown as [string, string, string | undefined]
    if (call || KEYWORDS.has(name.toLowerCase())) continue
    names.add(name)
  }
  return [...names]
}

/** Metrics the rules or dashboards read that no service exports: `up` is Prometheus's own. */
export const NOT_FROM_SERVICES = new Set(['up'])
