/**
 * Hands a benchmark child over to its parent: prints `READY <payload>` on stdout, then keeps the
 * process serving until the parent sends SIGTERM or closes the child's stdin, and then runs
 * `close` and exits 0.
 */
export function serveUntilParentStops(payload: string, close: () => Promise<void>): void {
  process.stdout.write(`READY ${payload}\n`)
  const stop = async () => {
    await close()
    process.exit(0)
  }
  process.on('SIGTERM', stop)
  process.stdin.on('end', stop)
  process.stdin.resume()
}
