/**
 * Preload for benchmark children (`NODE_OPTIONS=--import <this file>`, which Node 20 allows where
 * it refuses `--cpu-prof`): records a V8 CPU profile from start to exit and writes it as
 * `<BENCH_CPU_PROF>/<pid>.cpuprofile` (open in Chrome DevTools or speedscope).
 */
import { writeFileSync } from 'node:fs'
import { Session } from 'node:inspector'
import path from 'node:path'

const dir = process.env.BENCH_CPU_PROF
if (dir) {
  const session = new Session()
  session.connect()
  session.post('Profiler.enable')
  session.post('Profiler.setSamplingInterval', { interval: 500 })
  session.post('Profiler.start')
  // a main-thread session answers synchronously, so this completes inside the exit handler
  process.on('exit', () => {
    session.post('Profiler.stop', (err, result) => {
      if (!err) writeFileSync(path.join(dir, `${process.pid}.cpuprofile`), JSON.stringify(result.profile))
    })
  })
}
