/**
 * The one cache of BPE plans (docs/ARCHITECTURE.md, Protection schemes): the
 * diagnosis session, the page's compute service and the CLI all ask `bpePlans`,
 * so a key's plan is drawn once per geometry in a realm (page, worker or
 * process) and every user of it holds the same object (the WebGPU engine keys
 * its uploaded tables by that identity).
 *
 * Entries are keyed by the key-check value (64 bits of HMAC, keys/key.ts) and
 * the geometry, bounded (least recently used goes first).
 *
 * Must never: log or expose a key or plan beyond `plan()`; keep a plan after
 * `forget(check)` or `clear()` (called when the user forgets or replaces a key);
 * keep a failed draw (the next call draws again).
 */
import type { CipherKey } from '../../keys/key';
import {
  checkGeometry,
  DEFAULT_BLOCK_SIZE,
  DEFAULT_IMAGE_SIZE,
  planForKey,
  type BpeGeometry,
  type BpePlan,
} from './plan';

/** Plans for a handful of keys and geometries at most: one key in use, plus a few a CLI run or a test asks for. */
export const PLAN_CACHE_CAPACITY = 8;

export class PlanCache {
  /** insertion order = recency (a hit moves its entry last) */
  private readonly entries = new Map<string, { keyCheck: string; plan: Promise<BpePlan> }>();

  constructor(readonly capacity = PLAN_CACHE_CAPACITY) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new Error('a plan cache holds at least one plan');
  }

  /** The plan for `key` and geometry (drawn on first use, a few ms; then the same object). */
  plan(
    key: CipherKey,
    geometry: BpeGeometry = { imageSize: DEFAULT_IMAGE_SIZE, blockSize: DEFAULT_BLOCK_SIZE },
  ): Promise<BpePlan> {
    const id = `${key.check}/${geometry.imageSize}/${geometry.blockSize}`;
    const hit = this.entries.get(id);
    if (hit) {
      this.entries.delete(id);
      this.entries.set(id, hit);
      return hit.plan;
    }
    try {
      checkGeometry(geometry); // a geometry that cannot be drawn must not evict a plan that can
    } catch (err) {
      return Promise.reject(err);
    }
    const plan = planForKey(key, { imageSize: geometry.imageSize, blockSize: geometry.blockSize });
    const entry = { keyCheck: key.check, plan };
    this.entries.set(id, entry);
    // a failed draw (bad geometry) is not kept; only this entry goes, should a newer one have replaced it
    plan.catch(() => {
      if (this.entries.get(id) === entry) this.entries.delete(id);
    });
    while (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as string);
    return plan;
  }

  /** Drops every plan (all geometries) of the key with this check value. */
  forget(keyCheck: string): void {
    for (const [id, entry] of [...this.entries]) if (entry.keyCheck === keyCheck) this.entries.delete(id);
  }

  clear(): void {
    this.entries.clear();
  }

  /** how many plans are held (tests: 0 after forget/clear) */
  get size(): number {
    return this.entries.size;
  }
}

/** The realm's plan cache: the one every caller uses. */
export const bpePlans = new PlanCache();
