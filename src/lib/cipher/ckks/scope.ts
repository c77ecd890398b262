/**
 * Freeing SEAL objects. node-seal's objects live in the wasm heap until
 * `.delete()` (a FinalizationRegistry may free them some time after garbage
 * collection, which is too late in a loop), so every object this module makes is
 * registered in a scope and deleted when the scope ends, on every path, like
 * tf.tidy. Must never let an object escape a scope it was deleted by: return
 * bytes or numbers, or keep the object in a longer-lived scope.
 */

export interface Deletable {
  delete(): void;
}

export class SealScope {
  private readonly owned: Deletable[] = [];
  private closed = false;

  /** Registers an object made by SEAL; returns it. `void` results (in-place calls) are not objects. */
  keep<T extends Deletable>(object: T | void): T {
    if (this.closed) throw new Error('this SEAL scope has ended');
    if (!object) throw new Error('SEAL returned no object where one was expected');
    this.owned.push(object);
    return object;
  }

  /** Deletes everything kept, newest first. Safe to call twice. */
  dispose(): void {
    if (this.closed) return;
    this.closed = true;
    let first: unknown;
    for (const o of this.owned.reverse()) {
      try {
        o.delete();
      } catch (e) {
        first ??= e;
      }
    }
    this.owned.length = 0;
    if (first) throw first;
  }
}

/** Runs `fn` with a fresh scope and deletes what it kept, also when `fn` throws. Synchronous, as SEAL is. */
export function sealScope<T>(fn: (scope: SealScope) => T): T {
  const scope = new SealScope();
  try {
    const out = fn(scope);
    if (out instanceof Promise) throw new Error('sealScope takes synchronous work only');
    return out;
  } finally {
    scope.dispose();
  }
}
