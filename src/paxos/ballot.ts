// Ballots: pairs (round, proposer id), totally ordered by round, then by proposer id, both
// compared as numbers (Paxos.tla's Less). Multi-Paxos uses the same ballots.
//
// The classic mistake is to compare ballots in their printed form, "10-1" < "9-1": text
// comparison puts round 10 below round 9. ballotLessAsText is that mistake, kept for the
// mutants (src/paxos/mutants.ts); the models' rounds cross from 9 to 10 so that it shows.

/** A ballot: a round and the id of the proposer that owns it. */
export interface Ballot {
  readonly round: number;
  readonly proposer: number;
}

/** The order of ballots: is b below c? */
export type BallotOrder = (b: Ballot, c: Ballot) => boolean;

/** Paxos.tla Less(b, c): by round, then by proposer id, as numbers. */
export const ballotLess: BallotOrder = (b, c) => b.round < c.round || (b.round === c.round && b.proposer < c.proposer);

/** A comparator for sorting: negative, zero or positive as b is below, equal to or above c. */
export function compareBallots(b: Ballot, c: Ballot): number {
  return b.round - c.round || b.proposer - c.proposer;
}

export function sameBallot(b: Ballot, c: Ballot): boolean {
  return b.round === c.round && b.proposer === c.proposer;
}

/** BallotOf(p) (Paxos.tla, MultiPaxos.tla): a proposer's current ballot, that of its round. */
export function ballotOf(p: { readonly round: number; readonly id: number }): Ballot {
  return { round: p.round, proposer: p.id };
}

/** Above(b, pb) (Paxos.tla, MultiPaxos.tla): b is above the promise pb (null: none), under the order `less`. */
export function above(b: Ballot, promised: Ballot | null, less: BallotOrder): boolean {
  return promised === null || less(promised, b);
}

/** AtLeast(b, pb) (Paxos.tla, MultiPaxos.tla): b is no lower than the promise pb (null: none), under the order `less`. */
export function atLeast(b: Ballot, promised: Ballot | null, less: BallotOrder): boolean {
  return promised === null || !less(b, promised);
}

/** A canonical, injective key of a ballot, for the keys of states and messages. */
export function ballotKey(b: Ballot): string {
  return `${b.round}.${b.proposer}`;
}

/** The ballot as people write it: "round-proposer". */
export function ballotText(b: Ballot): string {
  return `${b.round}-${b.proposer}`;
}

/** The seeded bug: ballots compared as text, so that "10-1" < "9-1". */
export const ballotLessAsText: BallotOrder = (b, c) => ballotText(b) < ballotText(c);

/** The element with the highest ballot of a non-empty list, under the order `less`. */
export function highest<T extends { readonly bal: Ballot }>(xs: readonly T[], less: BallotOrder = ballotLess): T {
  if (xs.length === 0) throw new RangeError('no highest ballot of an empty list');
  return xs.reduce((best, x) => (less(best.bal, x.bal) ? x : best));
}
