import { TemporaryError } from '../domain/errors.js';

/** Bound a call of a client library that has no timeout of its own; a timeout is a TemporaryError. */
export function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new TemporaryError(`${what}: no answer within ${ms} ms`)), ms);
    }),
  ]);
}
