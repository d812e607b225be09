// The default of a switch over a discriminated union that names every case: the compiler checks
// that nothing reaches it (its argument has type never), and at run time it is a bug.

export function unreachable(x: never): never {
  throw new Error(`unreachable: ${JSON.stringify(x)}`);
}
