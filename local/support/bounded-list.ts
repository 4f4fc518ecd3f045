// The sandboxes keep what they received in memory; this list keeps it small in a long-running
// session by forgetting the oldest entries first.

/** Newest-first list that forgets its oldest entries, so a long-running sandbox stays small. */
export class BoundedList<T> {
  readonly #capacity: number;
  #items: T[] = [];

  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  add(item: T): void {
    this.#items.unshift(item);
    if (this.#items.length > this.#capacity) this.#items.length = this.#capacity;
  }

  find(predicate: (item: T) => boolean): T | undefined {
    return this.#items.find(predicate);
  }

  /** Newest first; a copy, so callers cannot reorder the store. */
  list(): T[] {
    return [...this.#items];
  }

  clear(): void {
    this.#items = [];
  }
}
