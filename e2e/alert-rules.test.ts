import { execFile } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { promisify } from 'node:util'
import t from 'tap'
import { ALERT_TESTS_FILE, ALERTS_FILE, alertRules, metricNames, OPERATIONS_DOC } from './monitoring/files.js'

// The alert rules of deploy/monitoring are valid, each has promtool unit tests and a runbook.
// promtool comes with the Debian package `prometheus` (scripts/ensure-tools.sh).

const run = promisify(execFile)

t.test('promtool accepts the rules and their unit tests pass', async (t) => {
  const check = await run('promtool', ['check', 'rules', ALERTS_FILE])
  t.match(check.stdout, /SUCCESS: \d+ rules found/)
  const tests = await run('promtool', ['test', 'rules', ALERT_TESTS_FILE]).catch(
    (err: { stdout: string }) => err,
  )
  t.match(tests.stdout, /SUCCESS/, tests.stdout)
})

t.test('every alert has a unit test and a runbook section in docs/operations.md', async (t) => {
  const rules = alertRules()
  t.ok(rules.length >= 10, `${rules.length} alert rules read`)
  const tests = readFileSync(ALERT_TESTS_FILE, 'utf8')
  const doc = readFileSync(OPERATIONS_DOC, 'utf8')
  for (const { alert, expr } of rules) {
    t.match(
      tests,
      new RegExp(`alertname: ${alert}\\n\\s+exp_alerts:\\n\\s+- exp_labels`),
      `${alert} is tested firing`,
    )
    t.match(doc, new RegExp(`^### ${alert}$`, 'm'), `${alert} has a runbook`)
    t.ok(metricNames(expr).length > 0, `${alert} reads a metric`)
  }
})
