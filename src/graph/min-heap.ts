/**
 * A binary min-heap of (key, item) pairs of numbers, ordered by key then item, so equal keys
 * pop in a fixed order: Dijkstra's frontier (exits), the ready nodes of the topological sort.
 */
export class MinHeap {
  private readonly keys: number[] = [];
  private readonly items: number[] = [];

  push(key: number, item: number): void {
    this.keys.push(key);
    this.items.push(item);
    let i = this.keys.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(i, parent)) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  pop(): [number, number] | undefined {
    // Bounds: n > 0 (checked), so position 0 holds the top.
    const n = this.keys.length;
    if (n === 0) return undefined;
    const top: [number, number] = [this.keys[0]!, this.items[0]!];
    this.swap(0, n - 1);
    this.keys.pop();
    this.items.pop();
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < n - 1 && this.less(l, m)) m = l;
      if (r < n - 1 && this.less(r, m)) m = r;
      if (m === i) break;
      this.swap(i, m);
      i = m;
    }
    return top;
  }

  private less(a: number, b: number): boolean {
    // Bounds: a and b are heap positions < size, inside keys and items.
    const ka = this.keys[a]!;
    const kb = this.keys[b]!;
    return ka < kb || (ka === kb && this.items[a]! < this.items[b]!);
  }

  private swap(a: number, b: number): void {
    // Bounds: a and b are heap positions < size, inside keys and items.
    [this.keys[a], this.keys[b]] = [this.keys[b]!, this.keys[a]!];
    [this.items[a], this.items[b]] = [this.items[b]!, this.items[a]!];
  }
}
