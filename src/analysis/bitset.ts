/** A fixed-size set of small integers, for reachability over graphs of thousands of nodes. */
export class BitSet {
  readonly words: Uint32Array;
  constructor(readonly size: number) {
    this.words = new Uint32Array((size + 31) >>> 5);
  }

  add(i: number): void {
    this.words[i >>> 5] = this.words[i >>> 5]! | (1 << (i & 31)); // i < the set's size, so i >>> 5 < words.length
  }

  has(i: number): boolean {
    return ((this.words[i >>> 5]! >>> (i & 31)) & 1) === 1; // i < the set's size, so i >>> 5 < words.length
  }

  /** this |= other */
  union(other: BitSet): void {
    // Bounds: both sets hold the same number of words (bitsets of one graph's nodes).
    for (let k = 0; k < this.words.length; k++) this.words[k] = this.words[k]! | other.words[k]!;
  }

  clone(): BitSet {
    const b = new BitSet(this.size);
    b.words.set(this.words);
    return b;
  }

  *[Symbol.iterator](): IterableIterator<number> {
    for (let k = 0; k < this.words.length; k++) {
      let w = this.words[k]!; // k < words.length
      while (w !== 0) {
        const bit = 31 - Math.clz32(w & -w);
        yield k * 32 + bit;
        w &= w - 1;
      }
    }
  }
}
