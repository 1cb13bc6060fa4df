/**
 * L4: a bounded min-heap that keeps the k highest-scoring items seen, in O(log k) per accepted
 * item and O(1) per rejected one (compare with `threshold`), so a ranking never sorts a corpus.
 * On equal scores the item offered first is kept.
 */
export class TopKHeap {
  private readonly scores: Float64Array;
  private readonly ids: Int32Array;
  private count = 0;

  constructor(readonly k: number) {
    if (!Number.isInteger(k) || k < 1) throw new RangeError(`k must be a positive integer, got ${k}`);
    this.scores = new Float64Array(k);
    this.ids = new Int32Array(k);
  }

  get size(): number {
    return this.count;
  }

  /** The score an item must beat to enter: -Infinity until the heap is full. */
  get threshold(): number {
    return this.count < this.k ? -Infinity : (this.scores[0] as number);
  }

  push(score: number, id: number): void {
    if (this.count < this.k) {
      let i = this.count++;
      // sift up
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if ((this.scores[parent] as number) <= score) break;
        this.scores[i] = this.scores[parent] as number;
        this.ids[i] = this.ids[parent] as number;
        i = parent;
      }
      this.scores[i] = score;
      this.ids[i] = id;
      return;
    }
    if (score <= (this.scores[0] as number)) return;
    // replace the root, sift down
    let i = 0;
    const n = this.count;
    while (true) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && (this.scores[r] as number) < (this.scores[l] as number) ? r : l;
      if ((this.scores[c] as number) >= score) break;
      this.scores[i] = this.scores[c] as number;
      this.ids[i] = this.ids[c] as number;
      i = c;
    }
    this.scores[i] = score;
    this.ids[i] = id;
  }

  /** The kept items, best first (equal scores: lower id first). Sorting k items, not the corpus. */
  sorted(): { ids: Int32Array; scores: Float64Array } {
    const order = Array.from({ length: this.count }, (_, i) => i).sort(
      (a, b) =>
        (this.scores[b] as number) - (this.scores[a] as number) || (this.ids[a] as number) - (this.ids[b] as number),
    );
    return {
      ids: Int32Array.from(order, (i) => this.ids[i] as number),
      scores: Float64Array.from(order, (i) => this.scores[i] as number),
    };
  }
}
