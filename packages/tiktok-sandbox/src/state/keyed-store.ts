/** An in-memory map of records by a key read from each record, in insertion order. */
export interface KeyedStore<T> {
  /** Stores `item` under its key (replacing a record with the same key) and returns it. */
  add(item: T): T
  /** The record stored under `key`, or undefined. */
  get(key: string): T | undefined
  /** Every record, in insertion order (a new array; the records themselves are shared). */
  list(): T[]
}

/** Creates a {@link KeyedStore} keyed by `keyOf(record)`, holding `initial` (a restored state) at first. */
export function createKeyedStore<T>(keyOf: (item: T) => string, initial: readonly T[] = []): KeyedStore<T> {
  const items = new Map<string, T>(initial.map((item) => [keyOf(item), item]))
  return {
    add(item) {
      items.set(keyOf(item), item)
      return item
    },
    get: (key) => items.get(key),
    list: () => [...items.values()],
  }
}
