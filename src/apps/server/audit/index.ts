/** The hash-chained audit log: append (in the caller's transaction if given), list, verify. */
export { appendAudit, listAudit, type AuditQuery } from './log.ts';
export { verifyAuditChain, type AuditProblem, type AuditVerification } from './verify.ts';
export {
  GENESIS_HASH,
  auditHash,
  canonicalJson,
  type AuditEntry,
  type AuditEvent,
  type AuditFields,
  type Decision,
} from './chain.ts';
