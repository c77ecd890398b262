/**
 * The linear heads of the shipped models, in plain, for encrypted inference
 * (DESIGN.md §9): `head.w` [F, C] and `head.b` [C] read from a model folder's
 * `model.json` + weights file, nothing else of the model kept. Read once per model,
 * on first use. The heads are public (the models ship with the page); the server
 * holds no key of any kind for them.
 *
 * Where: `STATIC/models` when the server serves the built page (the same files the
 * page loads), else the repository's `public/models`.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { linearHead, type LinearHead } from '../../../lib/cipher/ckks';
import { deserializeWeights, MANIFEST_FILE, parseManifest } from '../../../lib/models/weightsFile';

/** Model names as the shipped folders are named: nothing that could walk out of the folder. */
export const MODEL_NAME = /^[a-z0-9][a-z0-9-]{0,63}$/;

const REPO_MODELS = fileURLToPath(new URL('../../../../public/models/', import.meta.url));

export function modelsDirFor(staticDir: string | undefined): string {
  const served = staticDir ? join(staticDir, 'models') : undefined;
  return served && existsSync(served) ? served : REPO_MODELS;
}

export interface ShippedHeads {
  /** The head of a shipped model, or undefined when there is no such model. */
  get(name: string): Promise<LinearHead | undefined>;
}

export function shippedHeads(dir: string): ShippedHeads {
  const cache = new Map<string, Promise<LinearHead | undefined>>();
  async function read(name: string): Promise<LinearHead | undefined> {
    const folder = join(dir, name);
    if (!existsSync(join(folder, MANIFEST_FILE))) return undefined;
    const manifest = parseManifest(await readFile(join(folder, MANIFEST_FILE), 'utf8'));
    const weights = deserializeWeights(manifest, new Uint8Array(await readFile(join(folder, manifest.weightsFile))));
    if (!weights['head.w'] || !weights['head.b']) return undefined;
    return linearHead(weights['head.w'], weights['head.b']);
  }
  return {
    get(name) {
      if (!MODEL_NAME.test(name)) return Promise.resolve(undefined);
      let head = cache.get(name);
      if (!head) {
        head = read(name);
        cache.set(name, head);
        // a folder that failed to read is tried again next time (it may be being deployed)
        head.catch(() => cache.delete(name));
      }
      return head;
    },
  };
}
