/**
 * The STOW-RS upload path taken apart (bench micro-rows): each stage the route runs
 * for one bundle (src/apps/server/routes/dicomweb.ts storeBundle, context.ts decide),
 * timed on its own, one call after another, in this process — so the gap between the
 * bare and the full load rows can be laid at a stage's door:
 *   - the session token (HS256 verify) and the caller's row;
 *   - acceptUpload: bundle decode, package SHA-256, record ES256 verify, JWE header;
 *   - the duplicate check and the row transaction (study, owner's wrapped key, audit
 *     append under its table lock), on PGlite in a data directory and on PostgreSQL.
 * (Cedar and the blob put have rows of their own: micro.ts, storageMicro.ts.)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { appendAudit } from '../../src/apps/server/audit';
import { issueSessionToken, verifySessionToken } from '../../src/apps/server/auth/tokens';
import { openDatabase, type Database } from '../../src/apps/server/db';
import { sealStudies } from '../../src/testing/serverStudies';
import { createAccount, getAccountById, getStudy, insertStudy } from '../../src/apps/server/store';
import { type AccountKeys, generateAccountKeys } from '../../src/lib/sharing';
import { acceptUpload } from '../../src/lib/sharing/serverChecks';
import { type MicroResult, timeCalls } from './micro';

/** Distinct studies for the row transactions (each study inserts once): caps that row's calls. */
const STUDIES = 300;

export async function stageRows(minMs: number, packageBytes: number, databaseUrl?: string): Promise<MicroResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'cipherscan-bench-stages-'));
  const rows: MicroResult[] = [];
  const targets: [string, { dataDir?: string; databaseUrl?: string }][] = [['PGlite', { dataDir: join(dir, 'db') }]];
  if (databaseUrl) targets.push(['PostgreSQL', { databaseUrl }]);
  try {
    const keys = await generateAccountKeys({ extractable: false });
    for (const [label, where] of targets) {
      const db = await openDatabase(where);
      try {
        rows.push(...(await stagesOn(label, db, keys, minMs, packageBytes, label === 'PGlite')));
      } finally {
        await db.close();
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}

async function stagesOn(
  label: string,
  db: Database,
  keys: AccountKeys,
  minMs: number,
  packageBytes: number,
  withPureStages: boolean,
): Promise<MicroResult[]> {
  const account = await createAccount(db, {
    name: 'bench',
    role: 'clinician',
    signJwk: keys.signJwk,
    wrapJwk: keys.wrapJwk,
  });
  const owner = { account: { id: account.id, name: 'bench', role: 'clinician' }, keys };
  const studies = await sealStudies(owner, STUDIES, packageBytes);
  const registered = { id: account.id, signJwk: account.signJwk };
  const rows: MicroResult[] = [];
  if (withPureStages) {
    const secret = crypto.getRandomValues(new Uint8Array(32));
    const { token } = await issueSessionToken(secret, account);
    rows.push(await timeCalls('stage: session token verify (HS256)', () => verifySessionToken(secret, token), minMs));
    const bundleAt = (i: number) => studies[((i % STUDIES) + STUDIES) % STUDIES].bundle;
    rows.push(
      await timeCalls(
        'stage: acceptUpload (decode, SHA-256, ES256 verify, JWE header)',
        (i) => acceptUpload(bundleAt(i), registered),
        minMs,
      ),
    );
  }
  rows.push(await timeCalls(`stage: caller row lookup (${label})`, () => getAccountById(db, account.id), minMs));

  const accepted = await Promise.all(studies.map((s) => acceptUpload(s.bundle, registered)));
  let next = 0;
  const insertOne = async () => {
    const upload = accepted[next++];
    const { header } = upload;
    if (await getStudy(db, header.study)) throw new Error('duplicate study');
    await db.transaction(async (tx) => {
      await insertStudy(tx, {
        uid: header.study,
        ownerId: account.id,
        modality: header.modality,
        frames: header.frames,
        packageBytes: header.packageBytes,
        packageSha256: header.packageSha256,
        recordJws: upload.record,
        ownerWrappedKey: upload.wrappedKey,
      });
      await appendAudit(tx, {
        actor: account.id,
        action: 'upload',
        resource: `study:${header.study}`,
        decision: 'allow',
        reason: 'clinician-upload',
      });
    });
  };
  rows.push(
    await timeCalls(`stage: duplicate check + row transaction + audit append (${label})`, insertOne, minMs, {
      maxCalls: STUDIES,
    }),
  );
  return rows;
}
