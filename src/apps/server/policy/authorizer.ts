/**
 * Access decisions: one question ("may this account do this to this resource, now, for
 * this purpose?") answered by the Cedar policies in `policies/` (docs/server.md
 * "Policies", DESIGN.md §8).
 *
 * The routes build an `AccessRequest` from what the database says (the account's role,
 * the study's owner and consent, the caller's grant) and append every decision, allow
 * and deny, to the audit log with its `reasons` (the ids of the policies that decided).
 * Policy text and schema are parsed once, when the authorizer is made; each decision
 * then only builds three small entities. Every request is validated against the schema,
 * so a request the policies were not written for is a deny with an error, never an
 * accidental allow.
 *
 * Must never: allow on an error (Cedar's errors are denies, and so are ours).
 */
import { preparsePolicySet, preparseSchema, statefulIsAuthorized } from '@cedar-policy/cedar-wasm/nodejs';
import type { CedarValueJson, EntityJson, EntityUidJson } from '@cedar-policy/cedar-wasm/nodejs';
import { loadPolicySource, PolicyLoadError, type PolicySource } from './policySource';

/** Roles an account can hold. `disabled` is a state an account is put in, never invited into. */
export const ACCOUNT_ROLES = ['clinician', 'auditor', 'admin', 'disabled'] as const;
export type AccountRole = (typeof ACCOUNT_ROLES)[number];

export const ACTIONS = [
  'upload',
  'read',
  'list',
  'share',
  'revoke',
  'listReaders',
  'setConsent',
  'readAudit',
  'manageAccounts',
  'heInfer',
  'federatedCoordinate',
  'federatedTakePart',
] as const;
export type Action = (typeof ACTIONS)[number];

/** Purposes a grant may carry (the policies refuse any other). */
export const PURPOSES = ['treatment', 'second-opinion', 'research'] as const;
export type Purpose = (typeof PURPOSES)[number];

export type Consent = 'given' | 'withdrawn';

export type AccessResource =
  | { kind: 'study'; uid: string; ownerId: string; consent: Consent }
  /** the service itself: upload, list, manageAccounts, the whole audit log */
  | { kind: 'server' };

export interface AccessRequest {
  /** role as stored (an unknown role is simply allowed nothing) */
  principal: { id: string; role: string; site: string };
  action: Action;
  resource: AccessResource;
  context: {
    /** the purpose the caller states; '' or absent when none */
    purpose?: string;
    /** the server's clock, whole epoch seconds */
    now: number;
    /** the caller's grant on this study, if any; until in epoch seconds, 0/null/absent = no end */
    grant?: { purpose: string; until?: number | null } | null;
  };
}

export interface AccessDecision {
  decision: 'allow' | 'deny';
  /** ids (`@id`) of the policies that decided: the permits for an allow, the forbids for a deny ([] = no permit applied) */
  reasons: string[];
  /** evaluation or request errors; any error makes the decision a deny */
  errors: string[];
}

export interface Authorizer {
  decide(request: AccessRequest): AccessDecision;
  /** the policy ids loaded, for startup logs and tests */
  readonly policyIds: readonly string[];
}

const NS = 'CipherScan';
const SERVER_ID = 'cipherscan';

// Preparsed sets live in the wasm module's (global) storage under a name: one name per authorizer.
let authorizerCount = 0;

/** Parses the policies and schema once; throws PolicyLoadError if they do not parse (the server must not start). */
export function createAuthorizer(source: PolicySource = loadPolicySource()): Authorizer {
  const name = `cipherscan-${++authorizerCount}`;
  const schemaParse = preparseSchema(name, source.schema);
  if (schemaParse.type === 'failure') {
    throw new PolicyLoadError(`schema: ${schemaParse.errors.map((e) => e.message).join('; ')}`);
  }
  const setParse = preparsePolicySet(name, { staticPolicies: source.policies });
  if (setParse.type === 'failure') {
    throw new PolicyLoadError(`policies: ${setParse.errors.map((e) => e.message).join('; ')}`);
  }

  function decide(request: AccessRequest): AccessDecision {
    const problem = requestProblem(request);
    if (problem) return { decision: 'deny', reasons: [], errors: [problem] };
    const { principal, resource, context } = request;
    const principalUid = uid('Account', principal.id);
    const resourceUid = resource.kind === 'study' ? uid('Study', resource.uid) : uid('Server', SERVER_ID);
    const entities: EntityJson[] = [
      { uid: principalUid, attrs: { role: principal.role, site: principal.site }, parents: [] },
      resource.kind === 'study'
        ? {
            uid: resourceUid,
            attrs: { owner: { __entity: uid('Account', resource.ownerId) }, consent: resource.consent },
            parents: [],
          }
        : { uid: resourceUid, attrs: {}, parents: [] },
    ];
    const answer = statefulIsAuthorized({
      principal: principalUid,
      action: { type: `${NS}::Action`, id: request.action },
      resource: resourceUid,
      context: cedarContext(context),
      preparsedSchemaName: name,
      validateRequest: true,
      preparsedPolicySetId: name,
      entities,
    });
    if (answer.type === 'failure') {
      return { decision: 'deny', reasons: [], errors: answer.errors.map((e) => e.message) };
    }
    const { decision, diagnostics } = answer.response;
    const errors = diagnostics.errors.map((e) => `${e.policyId}: ${e.error.message}`);
    return { decision: errors.length > 0 ? 'deny' : decision, reasons: diagnostics.reason, errors };
  }

  return { decide, policyIds: Object.keys(source.policies) };
}

function uid(type: string, id: string): { type: string; id: string } & EntityUidJson {
  return { type: `${NS}::${type}`, id };
}

/** The context as the schema types it: Cedar has no easy optional, so an absent grant is `present: false`. */
function cedarContext(context: AccessRequest['context']): Record<string, CedarValueJson> {
  const grant = context.grant;
  return {
    purpose: context.purpose ?? '',
    now: context.now,
    grant: grant
      ? { present: true, purpose: grant.purpose, until: grant.until ?? 0 }
      : { present: false, purpose: '', until: 0 },
  };
}

/** What Cedar cannot check for us: numbers that are whole seconds (a Long), ids that are not empty. */
function requestProblem({ principal, action, resource, context }: AccessRequest): string | null {
  if (!principal.id) return 'request: empty principal id';
  if (!(ACTIONS as readonly string[]).includes(action)) return `request: unknown action "${action}"`;
  if (resource.kind === 'study' && (!resource.uid || !resource.ownerId)) return 'request: study without uid or owner';
  if (!Number.isSafeInteger(context.now) || context.now < 0) return 'request: now must be whole epoch seconds';
  const until = context.grant?.until ?? 0;
  if (!Number.isSafeInteger(until) || until < 0) return 'request: grant until must be whole epoch seconds';
  return null;
}
