// The decision table: every role against every action in the situations that matter
// (own study, someone else's, grant in force / expired / other purpose, consent withdrawn).
// Each row names the decision and the policies that decided it, and the last tests check
// that the table exercises every policy: drop any one and some row changes.
import { describe, expect, it } from 'vitest';
import { validate } from '@cedar-policy/cedar-wasm/nodejs';
import { ACTIONS, createAuthorizer, type AccessRequest, type Action } from './authorizer';
import { loadPolicySource } from './policySource';

const NOW = 1_800_000_000;
const alice = { id: 'acc-alice', role: 'clinician', site: 'north' }; // owner of the study
const bob = { id: 'acc-bob', role: 'clinician', site: 'south' }; // a reader when granted
const audra = { id: 'acc-audra', role: 'auditor', site: 'north' };
const adam = { id: 'acc-adam', role: 'admin', site: 'north' };
const dora = { id: 'acc-alice', role: 'disabled', site: 'north' }; // alice, disabled

const study = { kind: 'study', uid: '2.25.1234', ownerId: alice.id, consent: 'given' } as const;
const withdrawn = { ...study, consent: 'withdrawn' } as const;
const server = { kind: 'server' } as const;

type Row = [string, AccessRequest, 'allow' | 'deny', string[]];
const req = (
  principal: AccessRequest['principal'],
  action: Action,
  resource: AccessRequest['resource'],
  context: Partial<AccessRequest['context']> = {},
): AccessRequest => ({ principal, action, resource, context: { now: NOW, ...context } });

const grant = (purpose: string, until = 0) => ({ purpose, until });
const asReader = (purpose: string, g = grant(purpose)) => ({ purpose, grant: g });

const TABLE: Row[] = [
  // owner on own study
  ['owner reads', req(alice, 'read', study), 'allow', ['owner-read']],
  ['owner shares', req(alice, 'share', study), 'allow', ['owner-share']],
  ['owner revokes', req(alice, 'revoke', study), 'allow', ['owner-revoke']],
  ['owner sets consent', req(alice, 'setConsent', study), 'allow', ['owner-set-consent']],
  ['owner lists readers', req(alice, 'listReaders', study), 'allow', ['owner-list-readers']],
  [
    'owner lists readers after withdrawing consent',
    req(alice, 'listReaders', withdrawn),
    'allow',
    ['owner-list-readers'],
  ],
  ['reader lists the readers', req(bob, 'listReaders', study, asReader('treatment')), 'deny', []],
  ['admin lists readers', req(adam, 'listReaders', study), 'deny', ['admin-never-data']],
  ['owner reads the study audit', req(alice, 'readAudit', study), 'allow', ['owner-read-audit']],
  ['owner reads after withdrawing consent', req(alice, 'read', withdrawn), 'allow', ['owner-read']],
  [
    'owner cannot share after withdrawing consent',
    req(alice, 'share', withdrawn),
    'deny',
    ['consent-withdrawn-no-share'],
  ],
  ['owner restores consent', req(alice, 'setConsent', withdrawn), 'allow', ['owner-set-consent']],
  ['owner reads the whole audit log', req(alice, 'readAudit', server), 'deny', []],
  ['owner manages accounts', req(alice, 'manageAccounts', server), 'deny', []],
  // any clinician on the server
  ['clinician uploads', req(bob, 'upload', server), 'allow', ['clinician-upload']],
  ['clinician lists', req(bob, 'list', server), 'allow', ['clinician-list']],
  ['clinician infers on ciphertext', req(bob, 'heInfer', server), 'allow', ['clinician-he-infer']],
  ['auditor infers on ciphertext', req(audra, 'heInfer', server), 'deny', []],
  ['admin infers on ciphertext', req(adam, 'heInfer', server), 'deny', ['admin-never-data']],
  ['disabled account infers on ciphertext', req(dora, 'heInfer', server), 'deny', ['disabled-account']],
  [
    'clinician coordinates a federated network',
    req(bob, 'federatedCoordinate', server),
    'allow',
    ['clinician-federated-coordinate'],
  ],
  [
    'clinician takes part in a federated network',
    req(bob, 'federatedTakePart', server),
    'allow',
    ['clinician-federated-take-part'],
  ],
  ['auditor coordinates a federated network', req(audra, 'federatedCoordinate', server), 'deny', []],
  ['admin takes part in a federated network', req(adam, 'federatedTakePart', server), 'deny', ['admin-never-data']],
  [
    'disabled account takes part in a federated network',
    req(dora, 'federatedTakePart', server),
    'deny',
    ['disabled-account'],
  ],
  // another clinician on alice's study
  ['stranger reads without grant', req(bob, 'read', study), 'deny', []],
  ['stranger reads stating a purpose, no grant', req(bob, 'read', study, { purpose: 'treatment' }), 'deny', []],
  ['stranger shares', req(bob, 'share', study), 'deny', []],
  ['stranger revokes', req(bob, 'revoke', study), 'deny', []],
  ['stranger sets consent', req(bob, 'setConsent', study), 'deny', []],
  ['stranger reads the audit', req(bob, 'readAudit', study), 'deny', []],
  // reader with a grant
  ...(['treatment', 'second-opinion', 'research'] as const).map((p): Row => [
    `reader reads for ${p}`,
    req(bob, 'read', study, asReader(p)),
    'allow',
    ['reader-read-with-grant'],
  ]),
  [
    'reader reads before the grant ends',
    req(bob, 'read', study, asReader('treatment', grant('treatment', NOW + 1))),
    'allow',
    ['reader-read-with-grant'],
  ],
  [
    'reader reads when the grant has just ended',
    req(bob, 'read', study, asReader('treatment', grant('treatment', NOW))),
    'deny',
    [],
  ],
  [
    'reader reads with an expired grant',
    req(bob, 'read', study, asReader('research', grant('research', NOW - 3600))),
    'deny',
    [],
  ],
  [
    'reader states another purpose than the grant',
    req(bob, 'read', study, { purpose: 'research', grant: grant('second-opinion') }),
    'deny',
    [],
  ],
  ['reader states no purpose', req(bob, 'read', study, { grant: grant('treatment') }), 'deny', []],
  ['reader with a grant for a purpose not on the list', req(bob, 'read', study, asReader('marketing')), 'deny', []],
  ['reader shares on', req(bob, 'share', study, asReader('treatment')), 'deny', []],
  ['reader revokes', req(bob, 'revoke', study, asReader('treatment')), 'deny', []],
  ['reader sets consent', req(bob, 'setConsent', study, asReader('treatment')), 'deny', []],
  ['reader reads the audit', req(bob, 'readAudit', study, asReader('treatment')), 'deny', []],
  [
    'reader reads after consent is withdrawn',
    req(bob, 'read', withdrawn, asReader('treatment')),
    'deny',
    ['consent-withdrawn'],
  ],
  // auditor
  ['auditor reads a study audit', req(audra, 'readAudit', study), 'allow', ['auditor-read-audit']],
  ['auditor reads the whole audit log', req(audra, 'readAudit', server), 'allow', ['auditor-read-audit']],
  ['auditor reads a study', req(audra, 'read', study), 'deny', []],
  ['auditor reads a study with a grant', req(audra, 'read', study, asReader('research')), 'deny', []],
  ['auditor shares', req(audra, 'share', study), 'deny', []],
  ['auditor uploads', req(audra, 'upload', server), 'deny', []],
  ['auditor lists', req(audra, 'list', server), 'deny', []],
  ['auditor manages accounts', req(audra, 'manageAccounts', server), 'deny', []],
  // admin
  ['admin manages accounts', req(adam, 'manageAccounts', server), 'allow', ['admin-manage-accounts']],
  ['admin uploads', req(adam, 'upload', server), 'deny', ['admin-never-data']],
  ['admin lists', req(adam, 'list', server), 'deny', ['admin-never-data']],
  ['admin reads the audit log', req(adam, 'readAudit', server), 'deny', ['admin-never-data']],
  ...(['read', 'share', 'revoke', 'setConsent', 'readAudit'] as const).map((a): Row => [
    `admin ${a} on a study`,
    req(adam, a, study),
    'deny',
    ['admin-never-data'],
  ]),
  ['admin who is named owner reads', req(adam, 'read', { ...study, ownerId: adam.id }), 'deny', ['admin-never-data']],
  ['admin with a grant reads', req(adam, 'read', study, asReader('treatment')), 'deny', ['admin-never-data']],
  // disabled account (alice's own id)
  ['disabled owner reads', req(dora, 'read', study), 'deny', ['disabled-account']],
  ['disabled owner shares', req(dora, 'share', study), 'deny', ['disabled-account']],
  ['disabled uploads', req(dora, 'upload', server), 'deny', ['disabled-account']],
  ['disabled lists', req(dora, 'list', server), 'deny', ['disabled-account']],
  ['disabled reads the audit', req(dora, 'readAudit', study), 'deny', ['disabled-account']],
  [
    'disabled reader with a grant',
    req({ ...bob, role: 'disabled' }, 'read', study, asReader('treatment')),
    'deny',
    ['disabled-account'],
  ],
  // unknown role
  ['unknown role reads own study', req({ ...alice, role: 'superuser' }, 'read', study), 'deny', []],
];

const authorizer = createAuthorizer();

describe('decision table', () => {
  it.each(TABLE)('%s', (_name, request, decision, reasons) => {
    const answer = authorizer.decide(request);
    expect(answer.errors).toEqual([]);
    expect(answer.decision).toBe(decision);
    expect([...answer.reasons].sort()).toEqual([...reasons].sort());
  });

  it('covers every action and every role', () => {
    expect(new Set(TABLE.map((r) => r[1].action)).size).toBe(ACTIONS.length);
    expect(new Set(TABLE.map((r) => r[1].principal.role))).toEqual(
      new Set(['clinician', 'auditor', 'admin', 'disabled', 'superuser']),
    );
  });

  // The table must be able to fail: with any one policy removed, some row's answer changes.
  it.each(authorizer.policyIds.map((id) => [id]))('notices when policy %s is missing', (missing) => {
    const source = loadPolicySource();
    delete source.policies[missing];
    const weaker = createAuthorizer(source);
    const changed = TABLE.filter(([, request, decision, reasons]) => {
      const answer = weaker.decide(request);
      return answer.decision !== decision || answer.reasons.join() !== reasons.join();
    });
    expect(changed.length).toBeGreaterThan(0);
  });
});

describe('requests the policies were not written for', () => {
  it.each<[string, AccessRequest]>([
    ['upload on a study', req(alice, 'upload', study)],
    ['read on the server', req(alice, 'read', server)],
    ['manageAccounts on a study', req(adam, 'manageAccounts', study)],
    ['an unknown action', req(alice, 'delete' as Action, study)],
    ['now in milliseconds as a fraction', req(alice, 'read', study, { now: NOW + 0.5 })],
    ['a negative grant end', req(bob, 'read', study, asReader('treatment', grant('treatment', -1)))],
    ['a study without owner', req(alice, 'read', { ...study, ownerId: '' })],
  ])('%s is a deny with an error', (_name, request) => {
    const answer = authorizer.decide(request);
    expect(answer.decision).toBe('deny');
    expect(answer.errors.length).toBeGreaterThan(0);
  });
});

describe('policy files', () => {
  it('validate against the schema in strict mode', () => {
    const { schema, policies } = loadPolicySource();
    const answer = validate({ schema, policies: { staticPolicies: policies }, validationSettings: { mode: 'strict' } });
    expect(answer.type).toBe('success');
    if (answer.type !== 'success') return;
    expect(answer.validationErrors).toEqual([]);
    expect(answer.validationWarnings).toEqual([]);
  });

  it('a policy that misspells an attribute fails validation (the check can fail)', () => {
    const { schema } = loadPolicySource();
    const bad = '@id("bad") permit(principal, action, resource) when { principal.rôle == "admin" };';
    const answer = validate({ schema, policies: { staticPolicies: { bad } }, validationSettings: { mode: 'strict' } });
    expect(answer.type === 'success' ? answer.validationErrors.length : 1).toBeGreaterThan(0);
  });

  it('ids are the @id annotations, unique', () => {
    const ids = createAuthorizer().policyIds;
    expect(ids).toContain('owner-read');
    expect(ids).toContain('consent-withdrawn');
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('cost', () => {
  it('decide() takes well under a millisecond (median of 2000)', () => {
    const request = req(bob, 'read', study, asReader('second-opinion', grant('second-opinion', NOW + 60)));
    const times: number[] = [];
    for (let i = 0; i < 2000; i++) {
      const start = performance.now();
      authorizer.decide(request);
      times.push(performance.now() - start);
    }
    times.sort((a, b) => a - b);
    const medianMicros = times[1000]! * 1000;
    console.info(`decide(): median ${medianMicros.toFixed(0)} µs, p90 ${(times[1800]! * 1000).toFixed(0)} µs`);
    expect(medianMicros).toBeLessThan(2000);
  });
});
