import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort, type Teardownable, waitUntil } from '@social-bridge/service-kit/testing'
import { ALERTS_FILE } from './files.js'

/** An alert as Prometheus's `/api/v1/alerts` lists it. */
export interface ActiveAlert {
  labels: Record<string, string>
  state: 'pending' | 'firing'
}

/** A running Prometheus (the Debian package's binary) scraping the given targets. */
export interface TestPrometheus {
  url: string
  /** The alerts pending or firing now. */
  alerts(): Promise<ActiveAlert[]>
}

/**
 * Starts `prometheus` on a free port with deploy/monitoring/prometheus/alerts.yml, its `for:`
 * durations cut to 1 s so a test sees alerts fire within seconds; scrapes `targets` (host:port)
 * every 2 s as job `social-bridge` and evaluates the rules every second. Stopped and its
 * data removed at teardown.
 */
export async function startPrometheus(t: Teardownable, targets: string[]): Promise<TestPrometheus> {
  const dir = mkdtempSync(join(tmpdir(), 'sb-prometheus-'))
  const rules = readFileSync(ALERTS_FILE, 'utf8').replace(/^(\s+for:) \S+$/gm, '$1 1s')
  writeFileSync(join(dir, 'alerts.yml'), rules)
  writeFileSync(
    join(dir, 'prometheus.yml'),
    JSON.stringify({
      global: { scrape_interval: '2s', scrape_timeout: '2s', evaluation_interval: '1s' },
      rule_files: [join(dir, 'alerts.yml')],
      scrape_configs: [{ job_name: 'social-bridge', static_configs: [{ targets }] }],
    }),
  )
  const port = await freePort()
  const url = `http://127.0.0.1:${port}`
  const child: ChildProcess = spawn(
    'prometheus',
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
    ],
    { stdio: 'ignore' },
  )
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  t.teardown(async () => {
    child.kill('SIGTERM')
    await exited
    rmSync(dir, { recursive: true, force: true })
  })
  const ready = await waitUntil(
    async () => (await fetch(`${url}/-/ready`).catch(() => undefined))?.ok === true,
    30_000,
    200,
  )
  if (!ready) throw new Error('prometheus did not become ready within 30 s')
  return {
    url,
    async alerts() {
      const body = (await (await fetch(`${url}/api/v1/alerts`)).json()) as { data: { alerts: ActiveAlert[] } }
      return body.data.alerts
    },
  }
}
