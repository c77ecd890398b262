/**
 * The page's CKKS worker (encrypted inference, issue 17): makes the CKKS key on
 * this device, encrypts class-token features, decrypts logits. SEAL's web build
 * loads here, never on the page's thread (key and Galois-key generation block).
 *
 * Must never: return, post or log the secret key (no method hands it out; the
 * page gets Galois keys, ciphertexts and decrypted logits only), or keep it
 * after `close`.
 */
import { createCkksClient, type CkksClient, type EncryptedBatch, type HeadShape } from '../../../../lib/cipher/ckks';
import { loadSeal } from '../../../../platform/browser/seal';
import { exposeWorkerApi } from '../../../../platform/browser/workers/exposeApi';

let client: CkksClient | undefined;

function open(): CkksClient {
  if (!client) throw new Error('no CKKS key on this device yet: open a session first');
  return client;
}

const api = {
  async open(shape: HeadShape): Promise<{ galoisKeys: Uint8Array }> {
    client?.dispose();
    client = undefined;
    client = createCkksClient(await loadSeal(), shape);
    return { galoisKeys: client.evaluationKeys() };
  },
  async encrypt(features: Float32Array): Promise<EncryptedBatch> {
    return open().encrypt([features]);
  },
  async decrypt(batch: EncryptedBatch): Promise<Float64Array> {
    const [logits] = open().decrypt(batch);
    return logits;
  },
  async close(): Promise<void> {
    client?.dispose();
    client = undefined;
  },
};

export type HeWorkerApi = typeof api;

exposeWorkerApi(api);
