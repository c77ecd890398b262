// Loading rules: every policy has a unique @id, because that id is the reason the audit log records.
import { describe, expect, it } from 'vitest';
import { loadPolicySource, policiesById, PolicyLoadError } from './policySource';

describe('policiesById', () => {
  it('keys each policy by its @id', () => {
    const text = '@id("a") permit(principal, action, resource);\n@id("b") forbid(principal, action, resource);';
    const byId = policiesById('x.cedar', text);
    expect(Object.keys(byId)).toEqual(['a', 'b']);
    expect(byId.b).toContain('forbid');
  });

  it.each([
    ['a policy without @id', 'permit(principal, action, resource);'],
    [
      'an id used twice',
      '@id("a") permit(principal, action, resource);\n@id("a") forbid(principal, action, resource);',
    ],
    ['text that does not parse', '@id("a") permit(principal, action, resource'],
    ['a template', '@id("t") permit(principal == ?principal, action, resource);'],
  ])('refuses %s', (_name, text) => {
    expect(() => policiesById('x.cedar', text)).toThrow(PolicyLoadError);
  });
});

describe('loadPolicySource', () => {
  it('reads the schema and every policy file', () => {
    const source = loadPolicySource();
    expect(source.schema).toContain('namespace CipherScan');
    for (const id of [
      'owner-read',
      'reader-read-with-grant',
      'auditor-read-audit',
      'admin-never-data',
      'consent-withdrawn',
      'disabled-account',
    ]) {
      expect(source.policies[id]).toMatch(/^@id/);
    }
  });
});
