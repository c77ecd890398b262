/**
 * The access policies as text: the Cedar files beside this module and the schema they
 * are written against, read once at startup (docs/server.md "Policies").
 *
 * Policies live in `.cedar` files, not in strings in code, so that a reviewer (or an
 * auditor) reads the rules in the policy language and nothing else. Each policy carries
 * an `@id("...")` annotation; that id is what a decision names as its reason in the audit
 * log, so ids must be unique across files (checked here, at load).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { policySetTextToParts, policyToJson } from '@cedar-policy/cedar-wasm/nodejs';

const POLICY_DIR = fileURLToPath(new URL('./policies/', import.meta.url));
const SCHEMA_FILE = fileURLToPath(new URL('./cipherscan.cedarschema', import.meta.url));

export interface PolicySource {
  /** Cedar schema text (human syntax) */
  schema: string;
  /** policy id (its @id annotation) → the policy's Cedar text */
  policies: Record<string, string>;
}

/** Thrown at startup when a policy file does not parse or breaks the id rule: the server must not start. */
export class PolicyLoadError extends Error {
  override name = 'PolicyLoadError';
}

/** Splits one file's text into policies keyed by their `@id` annotation. */
export function policiesById(fileName: string, text: string): Record<string, string> {
  const parts = policySetTextToParts(text);
  if (parts.type === 'failure') {
    throw new PolicyLoadError(`${fileName}: ${parts.errors.map((e) => e.message).join('; ')}`);
  }
  if (parts.policy_templates.length > 0) {
    throw new PolicyLoadError(`${fileName}: templates are not used; write static policies`);
  }
  const byId: Record<string, string> = {};
  for (const policy of parts.policies) {
    const json = policyToJson(policy);
    if (json.type === 'failure') throw new PolicyLoadError(`${fileName}: ${json.errors[0]?.message}`);
    const id = json.json.annotations?.id;
    if (!id) throw new PolicyLoadError(`${fileName}: every policy needs an @id("...") annotation`);
    if (id in byId) throw new PolicyLoadError(`${fileName}: policy id "${id}" is used twice`);
    byId[id] = policy;
  }
  return byId;
}

/** Reads every `policies/*.cedar` file and the schema. Synchronous: it runs once, before the server listens. */
export function loadPolicySource(): PolicySource {
  const policies: Record<string, string> = {};
  const files = readdirSync(POLICY_DIR)
    .filter((f) => f.endsWith('.cedar'))
    .sort();
  for (const file of files) {
    for (const [id, text] of Object.entries(policiesById(file, readFileSync(POLICY_DIR + file, 'utf8')))) {
      if (id in policies) throw new PolicyLoadError(`${file}: policy id "${id}" is already used by another file`);
      policies[id] = text;
    }
  }
  if (Object.keys(policies).length === 0) throw new PolicyLoadError(`no policies found in ${POLICY_DIR}`);
  return { schema: readFileSync(SCHEMA_FILE, 'utf8'), policies };
}
