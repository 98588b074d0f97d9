/**
 * An endpoint's health after a batch of its recorded attempts (docs/webhooks-to-the-crm.md
 * "Delivery": 410 disables with reason `gone`; failing for the whole retry window disables with
 * reason `failing`; a 2xx clears `failing_since`). The delivery worker records attempts in batches,
 * and a PostgreSQL `UPDATE` changes a row once per statement, so the attempts of one endpoint in a
 * batch are folded here, in the order they ended, into one change of its row.
 */

/** One recorded attempt, as the fold needs it. */
export interface AttemptOutcomeAt {
  endpointId: string
  ok: boolean
  /** The receiver answered 410 Gone. */
  gone: boolean
  /** The delivery was given up with this attempt (`failed`). */
  givenUp: boolean
  /** When the attempt ended. */
  at: Date
  /** The delivery's first attempt. */
  firstAttemptAt: Date
}

/**
 * The change of one endpoint's row. `failingSince`: `clear` (the last attempt succeeded), `keep`
 * (`coalesce(failing_since, headStart)`: no success in the batch), or the Date of the first failure
 * after the batch's last success. The `head*` fields describe the failures before the batch's first
 * success, whose "failing too long" test needs the row's `failing_since`: it holds when
 * `coalesce(failing_since, headStart)` is before `headLatest − giveUp`, or not after
 * `headGivenUpFirst`. `disableFailing`: a later failure already proved it (decided here).
 */
export interface EndpointHealthChange {
  endpointId: string
  failingSince: 'clear' | 'keep' | Date
  headStart: Date | null
  headLatest: Date | null
  headGivenUpFirst: Date | null
  disableFailing: boolean
  /** When a 410 disabled it (`gone` wins over `failing`), or null. */
  goneAt: Date | null
  /** When a `failing` disable happens: the batch's last failure. */
  failingAt: Date | null
}

/**
 * Folds attempts (in the order they ended) into one change per endpoint that had a failure; an
 * endpoint whose attempts all succeeded needs only `failing_since = null` and gets no entry.
 * `giveUpMs`: the retry window (RetrySchedule `giveUpMs`).
 */
export function foldEndpointHealth(outcomes: AttemptOutcomeAt[], giveUpMs: number): EndpointHealthChange[] {
  const byEndpoint = new Map<string, AttemptOutcomeAt[]>()
  for (const o of outcomes) {
    const list = byEndpoint.get(o.endpointId) ?? []
    list.push(o)
    byEndpoint.set(o.endpointId, list)
  }
  const changes: EndpointHealthChange[] = []
  for (const [endpointId, list] of byEndpoint) {
    if (list.every((o) => o.ok)) continue
    const change: EndpointHealthChange = {
      endpointId,
      failingSince: 'keep',
      headStart: null,
      headLatest: null,
      headGivenUpFirst: null,
      disableFailing: false,
      goneAt: null,
      failingAt: null,
    }
    // failing_since as the sequence goes: unknown (the row's) until the first success
    let sawOk = false
    let since: Date | null = null
    for (const o of list) {
      if (o.ok) {
        sawOk = true
        since = null
        change.failingSince = 'clear'
        continue
      }
      if (o.gone) {
        change.goneAt = o.at
        continue
      }
      change.failingAt = o.at
      if (!sawOk) {
        change.headStart ??= o.at
        change.headLatest = o.at
        if (o.givenUp && (!change.headGivenUpFirst || o.firstAttemptAt > change.headGivenUpFirst))
          change.headGivenUpFirst = o.firstAttemptAt
        continue
      }
      if (since && (since.getTime() < o.at.getTime() - giveUpMs || (o.givenUp && since <= o.firstAttemptAt)))
        change.disableFailing = true
      since ??= o.at
      change.failingSince = since
    }
    changes.push(change)
  }
  return changes
}
