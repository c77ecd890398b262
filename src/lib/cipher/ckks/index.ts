/**
 * CKKS on class-token features (docs/ARCHITECTURE.md §9, Protection schemes):
 * the client encrypts features under its own key, the server applies a linear
 * head on ciphertext, the client decrypts the logits. SEAL arrives injected
 * (src/platform/node/seal.ts, src/platform/browser/seal.ts), because node-seal's
 * builds differ per runtime. Nothing decrypted goes back to the server.
 */
export { CKKS_PARAMETERS, createCkksContext, SCALE, SLOTS, type Seal } from './params';
export { createCkksClient, type CkksClient, type EncryptedBatch } from './client';
export { createCkksHead, type CkksHead } from './server';
export { linearHead, plainHead, type LinearHead } from './head';
export { ckksLayout, galoisSteps, type CkksLayout, type HeadShape } from './layout';
export { sealScope, SealScope } from './scope';
