/**
 * The one worker error wrapper (docs/ARCHITECTURE.md, "Workers"): every method a
 * worker exposes goes through it, so an error crosses to the page as a plain Error
 * that keeps its name (the page tells a WrongKeyError, DecodeError or
 * KeyForgottenError apart by it) and its message (what the user reads), and
 * nothing else: no fields of the error object, which may hold pixels or key
 * material, and no non-Error value thrown as is.
 *
 * Must never: log the error or the arguments of the call that threw.
 */
import * as Comlink from 'comlink';

/** The error as it may cross the worker boundary: name and message only. */
export function plainError(err: unknown): Error {
  const e = err instanceof Error ? err : new Error(String(err));
  const plain = new Error(e.message);
  plain.name = e.name;
  return plain;
}

type Methods = Record<string, (...args: never[]) => unknown>;

/** `api` with each method's errors made plain. The result keeps any Comlink.transfer marks (same objects). */
export function withPlainErrors<Api extends Methods>(api: Api): Api {
  const wrapped: Record<string, (...args: never[]) => Promise<unknown>> = {};
  for (const [name, method] of Object.entries(api))
    wrapped[name] = async (...args: never[]) => {
      try {
        return await method(...args);
      } catch (err) {
        throw plainError(err);
      }
    };
  return wrapped as unknown as Api;
}

/** Exposes a worker's API to the page through Comlink, errors made plain. */
export function exposeWorkerApi(api: Methods, endpoint?: Comlink.Endpoint): void {
  Comlink.expose(withPlainErrors(api), endpoint);
}
