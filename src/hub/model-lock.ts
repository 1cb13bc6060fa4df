/**
 * L2: serializes work on one model folder within this process (resolve, import, remove), so two
 * concurrent resolves of the same model never write the same `.part` file or manifest at once.
 */
import { resolve } from "node:path";

const tails = new Map<string, Promise<unknown>>();

export async function withModelLock<T>(modelDir: string, fn: () => Promise<T>): Promise<T> {
  const key = resolve(modelDir);
  const previous = tails.get(key) ?? Promise.resolve();
  const run = previous.then(fn);
  const tail = run.catch(() => undefined);
  tails.set(key, tail);
  try {
    return await run;
  } finally {
    if (tails.get(key) === tail) tails.delete(key);
  }
}
