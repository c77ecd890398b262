/** Typed refusals from the store, so routes can map them to 404 / 409 without parsing SQL errors. */

export type StoreErrorCode = 'not-found' | 'conflict' | 'stale-version';

export class StoreError extends Error {
  constructor(
    readonly code: StoreErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'StoreError';
  }
}

/** PostgreSQL's unique_violation, from either driver. */
export function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: string } | null)?.code === '23505';
}
