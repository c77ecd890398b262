/**
 * Encrypted inference over HTTP (docs/server.md "Encrypted inference"), with a real
 * CKKS client holding the secret key on the test's side and the server's routes on
 * a shipped model's head (public/models/vit-brain-mri): the logits decrypt within
 * 1e-4 of the plain head with the same argmax, for one image and a batch; refusals
 * (not signed in 401, auditor 403, unknown model 404, other parameters, malformed
 * frames and ciphertexts and keys 400, another account's session 404) with no allow
 * audited for them; the session still works after garbage. Runs on PGlite and
 * PostgreSQL (the audit log is in the database).
 */
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createCkksClient, plainHead, type CkksClient, type LinearHead, type Seal } from '../../../lib/cipher/ckks';
import { encodeHeFrame, HE_PARAMETER_ID, heEndSession, heInfer, heSession } from '../../../lib/serverClient/he';
import { describeOnBothDatabases } from '../../../testing/databases';
import { loadSealWithHeap } from '../../../testing/sealHeap';
import { openDatabase } from '../db';
import { modelsDirFor, shippedHeads } from '../he/heads';
import { bearer, HOOK_TIMEOUT_MS, newUser, signedIn, startHarness, type Harness, type User } from './routeHarness';

const MODEL = 'vit-brain-mri';
const present = existsSync(`${modelsDirFor(undefined)}/${MODEL}/model.json`);

const argmax = (v: ArrayLike<number>) => Array.from(v).indexOf(Math.max(...Array.from(v)));

/** Features of the size and spread of class tokens, from a fixed seed. */
function features(count: number, width: number, seed: number): Float64Array[] {
  let s = seed;
  const next = () => ((s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32) * 4 - 2;
  return Array.from({ length: count }, () => Float64Array.from({ length: width }, next));
}

describeOnBothDatabases('routes: encrypted inference', (suite) => {
  let h: Harness;
  let alice: User;
  let bob: User;
  let audra: User;
  let seal: Seal;
  let head: LinearHead;
  let client: CkksClient;

  beforeAll(async () => {
    if (!present) return;
    h = await startHarness(await openDatabase(await suite.freshDatabase()));
    alice = await newUser(h, 'alice');
    bob = await newUser(h, 'bob');
    audra = await newUser(h, 'audra', 'auditor');
    ({ seal } = await loadSealWithHeap());
    head = (await shippedHeads(modelsDirFor(undefined)).get(MODEL))!;
    client = createCkksClient(seal, head);
  }, HOOK_TIMEOUT_MS);
  afterAll(async () => {
    client?.dispose();
    await h?.close();
  }, HOOK_TIMEOUT_MS);

  const allows = async () =>
    (
      await h.db.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM audit_log WHERE action = 'heInfer' AND decision = 'allow'",
      )
    ).rows[0].n;

  it.skipIf(!present)(
    'logits decrypt within 1e-4 of the plain head, same argmax, one image and a batch; audited as allows',
    async () => {
      const session = await heSession(
        signedIn(alice),
        { model: MODEL, galoisKeys: client.evaluationKeys() },
        { fetch: h.fetch },
      );
      expect(session).toMatchObject({ model: MODEL, params: HE_PARAMETER_ID, features: head.features });
      expect(session.classes).toBe(head.classes);
      for (const count of [1, 5]) {
        const x = features(count, head.features, count);
        const { logits, bytesUp, bytesDown } = await heInfer(signedIn(alice), session.session, client.encrypt(x), {
          fetch: h.fetch,
        });
        const decrypted = client.decrypt(logits);
        decrypted.forEach((row, i) => {
          const want = plainHead(head, x[i]);
          row.forEach((v, c) => expect(Math.abs(v - want[c])).toBeLessThan(1e-4));
          expect(argmax(row)).toBe(argmax(want));
        });
        expect(bytesUp).toBeGreaterThan(50_000);
        expect(bytesDown).toBeGreaterThan(50_000);
      }
      const { rows } = await h.db.query<{ actor: string; resource: string; reason: string }>(
        "SELECT actor, resource, reason FROM audit_log WHERE action = 'heInfer' AND decision = 'allow' ORDER BY seq",
      );
      expect(rows).toHaveLength(3); // the session and two inferences
      for (const r of rows)
        expect(r).toEqual({ actor: alice.id, resource: `model:${MODEL}`, reason: 'clinician-he-infer' });
      await heEndSession(signedIn(alice), session.session, { fetch: h.fetch });
      const ended = await h.app.inject({
        method: 'POST',
        url: `/api/he/sessions/${session.session}/infer`,
        headers: { ...bearer(alice), 'content-type': 'application/octet-stream' },
        payload: Buffer.from(
          encodeHeFrame({ images: 1, ciphertexts: client.encrypt(features(1, head.features, 9)).ciphertexts }),
        ),
      });
      expect(ended.statusCode).toBe(404);
    },
    120_000,
  );

  it.skipIf(!present)(
    'refusals: 401, auditor 403 (audited deny), unknown model 404, other parameters 400, bad keys 400',
    async () => {
      const keys = Buffer.from(client.evaluationKeys());
      const open = (query: string, headers: Record<string, string>, payload: Buffer = keys) =>
        h.app.inject({
          method: 'POST',
          url: `/api/he/sessions?${query}`,
          headers: { 'content-type': 'application/octet-stream', ...headers },
          payload,
        });
      const ok = `model=${MODEL}&params=${HE_PARAMETER_ID}`;
      const before = await allows();
      expect((await open(ok, {})).statusCode).toBe(401);
      expect((await open(ok, { authorization: 'Bearer nonsense' })).statusCode).toBe(401);
      const denied = await open(ok, bearer(audra));
      expect(denied.statusCode).toBe(403);
      const { rows } = await h.db.query<{ decision: string }>(
        "SELECT decision FROM audit_log WHERE action = 'heInfer' AND actor = $1",
        [audra.id],
      );
      expect(rows).toEqual([{ decision: 'deny' }]);
      expect((await open(`model=vit-no-such-model&params=${HE_PARAMETER_ID}`, bearer(alice))).statusCode).toBe(404);
      expect((await open(`model=..%2Fsecrets&params=${HE_PARAMETER_ID}`, bearer(alice))).statusCode).toBe(404);
      const other = await open(`model=${MODEL}&params=ckks-n16384`, bearer(alice));
      expect(other.statusCode).toBe(400);
      const garbage = await open(ok, bearer(alice), Buffer.alloc(4096, 7));
      expect([garbage.statusCode, garbage.json().error]).toEqual([400, 'bad-ciphertext']);
      const truncated = await open(ok, bearer(alice), keys.subarray(0, keys.length - 100));
      expect(truncated.statusCode).toBe(400);
      const json = await h.app.inject({
        method: 'POST',
        url: `/api/he/sessions?${ok}`,
        headers: { ...bearer(alice), 'content-type': 'application/json' },
        payload: '{}',
      });
      expect(json.statusCode).toBe(415);
      expect(await allows()).toBe(before);
    },
    120_000,
  );

  it.skipIf(!present)(
    'malformed frames and ciphertexts are 400 and audit no allow; the session works after; another account gets 404',
    async () => {
      const session = await heSession(
        signedIn(alice),
        { model: MODEL, galoisKeys: client.evaluationKeys() },
        { fetch: h.fetch },
      );
      const infer = (payload: Buffer | Uint8Array, user = alice) =>
        h.app.inject({
          method: 'POST',
          url: `/api/he/sessions/${session.session}/infer`,
          headers: { ...bearer(user), 'content-type': 'application/octet-stream' },
          payload: Buffer.from(payload),
        });
      const good = client.encrypt(features(1, head.features, 3)).ciphertexts[0];
      const cases: [string, Uint8Array][] = [
        ['not a frame', new Uint8Array(64).fill(1)],
        ['trailing bytes', new Uint8Array([...encodeHeFrame({ images: 1, ciphertexts: [good] }), 0])],
        ['truncated ciphertext', encodeHeFrame({ images: 1, ciphertexts: [good.subarray(0, 1000)] })],
        ['random ciphertext', encodeHeFrame({ images: 1, ciphertexts: [new Uint8Array(good.length).fill(0x5e)] })],
        ['a SEAL header on random bytes', encodeHeFrame({ images: 1, ciphertexts: [withHeaderOf(good, 9)] })],
        ['too many images for one ciphertext', encodeHeFrame({ images: 500, ciphertexts: [good] })],
        ['Galois keys sent as a ciphertext', encodeHeFrame({ images: 1, ciphertexts: [client.evaluationKeys()] })],
      ];
      const before = await allows();
      for (const [name, body] of cases) {
        const answer = await infer(body);
        expect(answer.statusCode, name).toBe(400);
        expect(answer.json().error, name).toMatch(/^(bad-frame|bad-ciphertext)$/);
      }
      expect(await allows()).toBe(before);
      expect((await infer(encodeHeFrame({ images: 1, ciphertexts: [good] }), bob)).statusCode).toBe(404);
      const x = features(1, head.features, 3);
      const { logits } = await heInfer(signedIn(alice), session.session, client.encrypt(x), { fetch: h.fetch });
      const want = plainHead(head, x[0]);
      client.decrypt(logits)[0].forEach((v, c) => expect(Math.abs(v - want[c])).toBeLessThan(1e-4));
    },
    120_000,
  );
});

/** `bytes`' SEAL header (16 bytes) on pseudo-random bytes of the same length: passes the header check, not SEAL. */
function withHeaderOf(bytes: Uint8Array, seed: number): Uint8Array {
  const out = Uint8Array.from(bytes);
  let s = seed;
  for (let i = 16; i < out.length; i++) out[i] = (s = (s * 1103515245 + 12345) >>> 0) >>> 24;
  return out;
}
