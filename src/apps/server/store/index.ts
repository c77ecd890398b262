/** The server's repositories: plain typed functions over a Queryable (the database or a transaction). */
export * from './accounts.ts';
export * from './challenges.ts';
export * from './errors.ts';
export * from './grants.ts';
export * from './invitations.ts';
export * from './passkeys.ts';
export * from './secrets.ts';
export {
  bumpStudyVersion,
  getStudy,
  insertStudy,
  listMyStudies,
  listPackageShas,
  setConsent,
  type Consent,
  type NewStudy,
  type Purpose,
  type Study,
} from './studies.ts';
