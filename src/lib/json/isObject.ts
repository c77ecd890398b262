/**
 * The one test every reader of parsed JSON (model cards, ensemble.json, package
 * metadata, committed reports) makes before it looks inside a value: a plain
 * object, not null and not an array. Lives at the bottom of src/lib so the library,
 * the apps and the scripts share it. Must never: accept an array (a list where a
 * block is expected is a malformed file, not an object with index keys).
 */
export const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
