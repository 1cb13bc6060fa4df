/**
 * ReadWriteLock (the vector index's commit lock): readers share it, a writer holds it alone, and
 * waiters are served in arrival order, so a writer waiting behind readers is not overtaken by
 * readers that come after it.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { ReadWriteLock } from "../../src/index/read-write-lock.js";

function gate(): { open: () => void; wait: Promise<void> } {
  let open!: () => void;
  const wait = new Promise<void>((r) => (open = r));
  return { open, wait };
}

test("readers share, writers are exclusive, arrival order is kept", async () => {
  const lock = new ReadWriteLock();
  const log: string[] = [];
  const g1 = gate();
  const r1 = lock.read(async () => {
    log.push("r1 start");
    await g1.wait;
    log.push("r1 end");
  });
  const r2 = lock.read(async () => void log.push("r2")); // shares with r1
  const w = lock.write(async () => void log.push("w")); // waits for r1
  const r3 = lock.read(async () => void log.push("r3")); // arrived after w: waits for it
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(log, ["r1 start", "r2"]);
  g1.open();
  await Promise.all([r1, r2, w, r3]);
  assert.deepEqual(log, ["r1 start", "r2", "r1 end", "w", "r3"]);
});

test("a failing section releases the lock and rethrows", async () => {
  const lock = new ReadWriteLock();
  await assert.rejects(
    lock.write(async () => {
      throw new Error("boom");
    }),
    /boom/,
  );
  await assert.rejects(
    lock.read(async () => {
      throw new Error("bang");
    }),
    /bang/,
  );
  assert.equal(await lock.write(async () => 1), 1);
});
