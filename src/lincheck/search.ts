// The search for a linearization: Wing & Gong's backtracking over the operations whose
// invocations have been reached, with Lowe's memoisation (a (linearized set, model state) pair
// seen once need not be searched again), in the form Porcupine gives it: the history is a
// doubly linked list of call and return entries, and linearizing an operation lifts both of its
// entries out of the list. The search is a loop with an explicit stack: a history of thousands of
// operations cannot overflow the call stack.
//
// Info operations (crashed: they may take effect at any time after their invocation, or never)
// would make the search try every subset of them at every point. Reductions keep it small
// without losing any linearization. An info operation that changes nothing (a cas that does not
// match) is never linearized: that is the same as its not happening. An info update is
// linearized only right before an operation that sees what it left: a read or cas of that value,
// or, for kv, appends and then a get or cas of a value that starts with it; and only if such a
// read or cas is still to be linearized. For in any linearization an info update whose effect
// nobody sees before it is overwritten can be left out (and so can the no-op info cas after it,
// which might now match), and one whose effect is seen can be moved to just before its first
// observer, past nothing but no-ops. And of identical info operations (ten deletes), the ones
// that take effect may as well be the earliest invoked: they are linearized in that order.
//
// And a lookahead: once no operation that can replace the state (a write, delete or cas) is left
// to linearize, every state to come is the current one extended by appends, so a state that a
// read still to be linearized cannot extend is a dead end, cut before it is searched. A key that
// is only appended to and read (a ledger) is then checked in about one state per operation,
// where trying every order of its concurrent appends made a value per order.

/** A history for the search: operations with their call and return times, and the model as a step function. */
export interface Problem {
  readonly n: number;
  readonly call: ArrayLike<number>;
  /** Infinity for an operation that never returned (info): it may take effect any time after its call */
  readonly ret: ArrayLike<number>;
  /** info operations need not be linearized before the end: they may never have taken effect */
  readonly info: ArrayLike<number>;
  /** operations that may come right after an info update: reads and cas, and for kv appends, which keep what they extend */
  readonly observes: ArrayLike<number>;
  /** operations that see the state and so end a chain from an info update: reads and cas */
  readonly clears: ArrayLike<number>;
  /** for an info operation, an identical info operation invoked before it, which must be linearized first; or -1 */
  readonly twin: ArrayLike<number>;
  /** operations that may replace the state rather than extend it: writes, deletes and cas */
  readonly replaces: ArrayLike<number>;
  readonly init: number;
  /**
   * The state after operation `op` in state `state`, or -1 if `op` cannot happen there (a read of
   * another value). When `last` is set, no operation that replaces the state is left after this
   * one, so every state to come is this one extended by appends (or, for a register, this one):
   * -1 also when a read still to be linearized (a bit clear in `linearized`) could not see that.
   */
  readonly step: (state: number, op: number, last: boolean, linearized: Uint32Array) => number;
  /** May a read or cas not yet linearized (a bit clear in `linearized`) see `state`, or for kv a value that starts with it? */
  readonly awaited: (state: number, linearized: Uint32Array) => boolean;
}

export interface Outcome {
  readonly verdict: 'ok' | 'fail' | 'timeout';
  /** distinct (linearized set, state) pairs reached */
  readonly states: number;
  /** the longest sequence of operations the search linearized, in order (all of them when ok) */
  readonly longest: number[];
}

const NIL = -1;

/** murmur3's finaliser: a well-mixed 32-bit hash of a 32-bit integer. */
function mix(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x;
}

/** Is the history linearizable? `deadline` is a performance.now() time after which it gives up. */
export function search(p: Problem, deadline = Infinity): Outcome {
  const n = p.n;
  if (n === 0) return { verdict: 'ok', states: 0, longest: [] };

  // Entries in time order; at equal times calls come first, so operations that touch overlap.
  // Entry e < n is the call of operation e, entry e >= n the return of operation e - n.
  const time = (e: number) => (e < n ? p.call[e] : p.ret[e - n]);
  const order = Array.from({ length: 2 * n }, (_, e) => e);
  order.sort((a, b) => {
    const ta = time(a);
    const tb = time(b);
    if (ta !== tb) return ta < tb ? -1 : 1;
    const ka = a < n ? 0 : 1;
    const kb = b < n ? 0 : 1;
    return ka - kb || a - b;
  });

  // The linked list, over positions in `order`; HEAD is a sentinel before the first.
  const HEAD = 2 * n;
  const next = new Int32Array(2 * n + 1);
  const prev = new Int32Array(2 * n + 1);
  const opAt = new Int32Array(2 * n);
  const isCall = new Uint8Array(2 * n);
  const callPos = new Int32Array(n);
  const retPos = new Int32Array(n);
  for (let pos = 0; pos < 2 * n; pos++) {
    const e = order[pos];
    const op = e < n ? e : e - n;
    opAt[pos] = op;
    isCall[pos] = e < n ? 1 : 0;
    if (e < n) callPos[op] = pos;
    else retPos[op] = pos;
    next[pos] = pos + 1 < 2 * n ? pos + 1 : NIL;
    prev[pos] = pos === 0 ? HEAD : pos - 1;
  }
  next[HEAD] = 0;

  const unlink = (x: number) => {
    next[prev[x]] = next[x];
    if (next[x] !== NIL) prev[next[x]] = prev[x];
  };
  const relink = (x: number) => {
    next[prev[x]] = x;
    if (next[x] !== NIL) prev[next[x]] = x;
  };

  // The linearized set as a bitset, with a Zobrist hash kept as operations come and go.
  const words = (n + 31) >>> 5;
  const bits = new Uint32Array(words);
  const zobrist = new Int32Array(n);
  for (let i = 0; i < n; i++) zobrist[i] = mix(i + 0x9e3779b9);
  let setHash = 0;
  let states = 0;

  // The memo: an open-addressing hash table over a pool of entries (the bitset's words, then the
  // state), all in typed arrays, so a million states cost a few tens of megabytes and no garbage.
  const stride = words + 1;
  let pool = new Uint32Array(stride * 1024);
  let hashes = new Int32Array(1024);
  let slots = new Int32Array(2048).fill(-1);
  let mask = slots.length - 1;
  const place = (h: number, entry: number) => {
    let slot = h & mask;
    while (slots[slot] !== -1) slot = (slot + 1) & mask;
    slots[slot] = entry;
  };

  /** Records (bits, state) if it is new; false if it was seen. */
  const remember = (h: number, state: number): boolean => {
    for (let slot = h & mask; ; slot = (slot + 1) & mask) {
      const entry = slots[slot];
      if (entry === -1) break;
      if (hashes[entry] !== h) continue;
      const base = entry * stride;
      if (pool[base + words] !== state) continue;
      let same = true;
      for (let w = 0; w < words; w++) {
        if (pool[base + w] !== bits[w]) {
          same = false;
          break;
        }
      }
      if (same) return false;
    }
    if (states === hashes.length) {
      const grown = new Uint32Array(pool.length * 2);
      grown.set(pool);
      pool = grown;
      const grownHashes = new Int32Array(hashes.length * 2);
      grownHashes.set(hashes);
      hashes = grownHashes;
    }
    const base = states * stride;
    pool.set(bits, base);
    pool[base + words] = state;
    hashes[states] = h;
    if (2 * (states + 1) > slots.length) {
      slots = new Int32Array(slots.length * 2).fill(-1);
      mask = slots.length - 1;
      for (let e = 0; e < states; e++) place(hashes[e], e);
    }
    place(h, states);
    states++;
    return true;
  };

  let required = 0; // operations that must be linearized: all but the info ones
  for (let i = 0; i < n; i++) if (!p.info[i]) required++;
  let requiredDone = 0;
  let replacersLeft = 0; // operations that may replace the state, not yet linearized
  for (let i = 0; i < n; i++) replacersLeft += p.replaces[i];

  const stackOp = new Int32Array(n);
  const stackState = new Int32Array(n);
  // 1 when the last operation linearized is an info update: the next must observe its effect.
  // It is part of the search state, so it is part of what the memo remembers.
  let pending = 0;
  let depth = 0;
  // The longest linearization found, and how far the current stack agrees with it.
  const best = new Int32Array(n);
  let bestLen = 0;
  let agree = 0;

  let state = p.init;
  let pos = next[HEAD];
  let iterations = 0;
  const longest = () => Array.from(best.subarray(0, bestLen));

  if (required === 0) return { verdict: 'ok', states: 0, longest: [] };
  while (next[HEAD] !== NIL) {
    if ((++iterations & 4095) === 0 && deadline !== Infinity && performance.now() > deadline) {
      return { verdict: 'timeout', states, longest: longest() };
    }
    if (isCall[pos]) {
      const op = opAt[pos];
      const twin = p.twin[op];
      let after = (pending && !p.observes[op]) || (twin >= 0 && (bits[twin >>> 5] & (1 << (twin & 31))) === 0) ? -1 : p.step(state, op, replacersLeft === p.replaces[op], bits);
      if (after >= 0 && p.info[op] && after === state) after = -1;
      if (after >= 0 && (p.info[op] || (pending && !p.clears[op])) && !p.awaited(after, bits)) after = -1;
      if (after >= 0) {
        const nextPending = p.info[op] ? 1 : p.clears[op] ? 0 : pending;
        bits[op >>> 5] |= 1 << (op & 31);
        const key = after * 2 + nextPending;
        const h = setHash ^ zobrist[op] ^ mix(key);
        if (remember(h, key)) {
          // Linearize op here: push, lift its entries out of the list, start again from the front.
          if (agree === depth && depth < bestLen && best[depth] === op) agree = depth + 1;
          stackOp[depth] = op;
          stackState[depth] = state * 2 + pending;
          depth++;
          if (depth > bestLen) {
            for (let k = agree; k < depth; k++) best[k] = stackOp[k];
            bestLen = depth;
            agree = depth;
          }
          setHash ^= zobrist[op];
          replacersLeft -= p.replaces[op];
          state = after;
          pending = nextPending;
          unlink(pos);
          unlink(retPos[op]);
          if (!p.info[op] && ++requiredDone === required) {
            // What is left is info operations, which may never have happened.
            return { verdict: 'ok', states, longest: longest() };
          }
          pos = next[HEAD];
          continue;
        }
        bits[op >>> 5] &= ~(1 << (op & 31));
      }
      pos = next[pos];
    } else {
      // The return of an operation not yet linearized: what came before cannot be ordered so. Undo the last choice.
      if (depth === 0) return { verdict: 'fail', states, longest: longest() };
      depth--;
      if (agree > depth) agree = depth;
      const op = stackOp[depth];
      state = stackState[depth] >> 1;
      pending = stackState[depth] & 1;
      bits[op >>> 5] &= ~(1 << (op & 31));
      setHash ^= zobrist[op];
      replacersLeft += p.replaces[op];
      if (!p.info[op]) requiredDone--;
      relink(retPos[op]);
      relink(callPos[op]);
      // Its own return is still ahead, so the walk cannot run off the end of the list.
      pos = next[callPos[op]];
    }
  }
  return { verdict: 'ok', states, longest: longest() };
}
