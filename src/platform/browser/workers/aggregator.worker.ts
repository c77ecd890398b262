/**
 * The in-tab aggregator of the page's live federated run: it sums ciphertexts
 * and nothing else (lib/federated/ckksStatistics.ts `aggregate`, which refuses
 * any key field and any input that is not a fresh ciphertext of the parameters).
 * A worker of its own, so it shares no memory with the hospitals' workers that
 * hold the key: it stands in for the server when the page is not signed in.
 * Must never: receive or hold a key, or keep a contribution after the call.
 */
import { aggregate, type EncryptedVector } from '../../../lib/federated/ckksStatistics';
import { loadSeal } from '../seal';
import { exposeWorkerApi } from './exposeApi';

const api = {
  async sum(contributions: EncryptedVector[]): Promise<EncryptedVector> {
    return aggregate(await loadSeal(), { contributions });
  },
};

export type AggregatorWorkerApi = typeof api;

exposeWorkerApi(api);
