/**
 * Reading Prometheus text exposition (what `GET /metrics` answers) in tests.
 */

/** One sample: metric name, labels, value. */
export interface Sample {
  name: string
  labels: Record<string, string>
  value: number
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g

/** Every sample of an exposition text. */
export function parseSamples(text: string): Sample[] {
  const out: Sample[] = []
  for (const line of text.split('\n')) {
    const m = SAMPLE.exec(line)
    if (!m || line.startsWith('#')) continue
    const labels: Record<string, string> = {}
    for (const l of (m[2] ?? '').matchAll(LABEL)) labels[l[1] as string] = l[2] as string
    out.push({ name: m[1] as string, labels, value: Number(m[3]) })
  }
  return out
}

/**
 * The value of `name` whose labels include `labels`, or undefined when no sample matches
 * (several matching: their sum).
 */
export function sampleValue(
  text: string,
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  const hits = parseSamples(text).filter(
    (s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
  )
  return hits.length === 0 ? undefined : hits.reduce((sum, s) => sum + s.value, 0)
}

/**
 * The metric names an exposition declares (`# TYPE` lines, so also metrics without samples yet),
 * with the series names a histogram or summary adds (`_bucket`, `_sum`, `_count`).
 */
export function exportedNames(text: string): Set<string> {
  const names = new Set<string>()
  for (const m of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    const [, name, type] = m as unknown as [string, string, string]
    names.add(name)
    if (type === 'histogram') for (const s of ['_bucket', '_sum', '_count']) names.add(name + s)
    if (type === 'summary') for (const s of ['_sum', '_count']) names.add(name + s)
  }
  return names
}
