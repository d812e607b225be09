// Reading a model's constants (a .cfg's CONSTANT assignments) into TypeScript, so that the
// cluster models run with exactly the values TLC runs with. A missing or mistyped constant is
// an error that names it.

import { UserError } from '../errors.ts';
import type { TlaValue } from './value.ts';

function constant(constants: ReadonlyMap<string, TlaValue>, name: string): TlaValue {
  const value = constants.get(name);
  if (value === undefined) throw new UserError(`the model assigns no value to the constant ${name}`);
  return value;
}

export function constantInt(constants: ReadonlyMap<string, TlaValue>, name: string): number {
  const v = constant(constants, name);
  if (v.kind !== 'int') throw new UserError(`the constant ${name} must be an integer, not ${v.key}`);
  return v.value;
}

export function constantModelValue(constants: ReadonlyMap<string, TlaValue>, name: string): TlaValue {
  const v = constant(constants, name);
  if (v.kind !== 'model') throw new UserError(`the constant ${name} must be a model value, not ${v.key}`);
  return v;
}

/** A set of model values, by name, in canonical order. */
export function constantModelValues(constants: ReadonlyMap<string, TlaValue>, name: string): string[] {
  const v = constant(constants, name);
  if (v.kind !== 'set' || !v.elems.every((e) => e.kind === 'model')) {
    throw new UserError(`the constant ${name} must be a set of model values, not ${v.key}`);
  }
  return v.elems.map((e) => (e.kind === 'model' ? e.name : ''));
}

/** A set of integers (a .cfg's `Proposer = {1, 2}`), in increasing order: for numbered servers. */
export function constantInts(constants: ReadonlyMap<string, TlaValue>, name: string): number[] {
  const v = constant(constants, name);
  if (v.kind !== 'set' || !v.elems.every((e) => e.kind === 'int')) {
    throw new UserError(`the constant ${name} must be a set of integers, not ${v.key}`);
  }
  return v.elems.map((e) => (e.kind === 'int' ? e.value : 0)).sort((a, b) => a - b);
}

/** A boolean constant (a .cfg's `Faults = FALSE`). */
export function constantBool(constants: ReadonlyMap<string, TlaValue>, name: string): boolean {
  const v = constant(constants, name);
  if (v.kind !== 'bool') throw new UserError(`the constant ${name} must be TRUE or FALSE, not ${v.key}`);
  return v.value;
}
