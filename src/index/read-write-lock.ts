/**
 * L5: a read-write lock for one process: readers (searches that read the table more than once,
 * e.g. a hybrid search's dense and sparse lists) share it, a writer (a store commit) holds it
 * alone, so a reader sees one table version throughout. Waiters are served in arrival order, so
 * a commit is not starved by a stream of searches (nor a search by a stream of commits).
 */
interface Waiter {
  readonly write: boolean;
  readonly grant: () => void;
}

/** Shared (read) or exclusive (write) sections over async work. */
export class ReadWriteLock {
  private readers = 0;
  private writer = false;
  private readonly queue: Waiter[] = [];

  /** Runs `f` while no writer holds the lock (other readers may). */
  async read<T>(f: () => Promise<T>): Promise<T> {
    await this.acquire(false);
    try {
      return await f();
    } finally {
      this.readers--;
      this.drain();
    }
  }

  /** Runs `f` while nobody else holds the lock. */
  async write<T>(f: () => Promise<T>): Promise<T> {
    await this.acquire(true);
    try {
      return await f();
    } finally {
      this.writer = false;
      this.drain();
    }
  }

  private acquire(write: boolean): Promise<void> {
    return new Promise((grant) => {
      this.queue.push({ write, grant });
      this.drain();
    });
  }

  private drain(): void {
    while (this.queue.length > 0 && !this.writer) {
      const next = this.queue[0]!;
      if (next.write) {
        if (this.readers > 0) return;
        this.writer = true;
      } else {
        this.readers++;
      }
      this.queue.shift();
      next.grant();
    }
  }
}
