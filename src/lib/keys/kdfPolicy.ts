/**
 * What Argon2id cost and salt a passphrase key must have, checked both when a
 * key file is read and when a key is derived. A passphrase key file (salt, cost,
 * check value) lets whoever holds it test guesses offline; the cost is all that
 * slows them, so a file asking for less than OWASP's minimum, or a salt that is
 * not random (all zero: one precomputed table fits every such file), is refused,
 * not obeyed. The upper bounds keep a hostile file from holding the worker for
 * hours.
 *
 * Must never: lower the floor for one caller, or accept a cost or salt it did
 * not check (pure checks, no key material or passphrases here).
 */

/**
 * OWASP Password Storage Cheat Sheet, Argon2id: 19 MiB with 2 passes (or 47 MiB ×
 * 1, 12 × 3, 9 × 4, 7 × 5: about the same memory × passes). We take 19 MiB as the
 * least memory and 19 MiB × 2 as the least memory × passes. The app's default,
 * 64 MiB × 3 (RFC 9106), is well above.
 */
export const KDF_MIN_MEMORY_KIB = 19 * 1024;
export const KDF_MIN_MEMORY_TIMES_ITERATIONS = 19 * 1024 * 2;

/** Bounds on each Argon2id parameter a key file may ask for (the floor, and what a worker can afford). */
export const KDF_LIMITS = {
  memoryKiB: [KDF_MIN_MEMORY_KIB, 1024 * 1024],
  iterations: [1, 16],
  parallelism: [1, 16],
} as const;

/**
 * The least zxcvbn score (strength.ts) a passphrase needs to make a new key: 3,
 * "strong". Here, not in strength.ts, so the page can use it without loading
 * zxcvbn's dictionaries.
 */
export const MIN_PASSPHRASE_SCORE = 3;

/** A passphrase key's salt: 16 random bytes as hex. */
export const SALT_BYTES = 16;

/** What is wrong with an Argon2id cost, if anything: "iterations 99 is outside 1–16". */
export function kdfCostProblem(cost: {
  memoryKiB?: unknown;
  iterations?: unknown;
  parallelism?: unknown;
}): string | undefined {
  for (const [name, [low, high]] of Object.entries(KDF_LIMITS) as Array<
    [keyof typeof KDF_LIMITS, readonly [number, number]]
  >) {
    const v = cost[name];
    if (typeof v !== 'number' || !Number.isInteger(v) || v > high)
      return `${name} ${String(v)} is outside ${low}–${high}`;
    if (v < low)
      return name === 'memoryKiB'
        ? `memoryKiB ${v} is below ${low} (19 MiB, OWASP's minimum for Argon2id): a cheaper cost makes guessing the passphrase faster`
        : `${name} ${v} is outside ${low}–${high}`;
  }
  const work = (cost.memoryKiB as number) * (cost.iterations as number);
  if (work < KDF_MIN_MEMORY_TIMES_ITERATIONS)
    return `memoryKiB × iterations ${work} is below ${KDF_MIN_MEMORY_TIMES_ITERATIONS} (OWASP's minimum for Argon2id: 19 MiB with 2 passes, or 47 MiB with 1)`;
  return undefined;
}

/** What is wrong with a salt, if anything: not 16 bytes of hex, or not random (every byte the same). */
export function kdfSaltProblem(salt: unknown): string | undefined {
  if (typeof salt !== 'string' || !new RegExp(`^[0-9a-f]{${2 * SALT_BYTES}}$`).test(salt))
    return `the salt must be ${SALT_BYTES} bytes of hex`;
  // all zero, or any one byte repeated: not a random salt (a chance of 2^-120 for a real one)
  if (salt.slice(0, 2).repeat(SALT_BYTES) === salt)
    return 'the salt is not random (every byte is the same): make a new passphrase key';
  return undefined;
}
