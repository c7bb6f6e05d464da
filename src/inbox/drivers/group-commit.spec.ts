import { GroupCommitter } from './group-commit';

function committer(options: { maxBatch?: number; windowMs?: number; commitMs?: number } = {}) {
  const batches: number[][] = [];
  let failing = false;
  const group = new GroupCommitter<number, number>({
    maxBatch: options.maxBatch ?? 100,
    windowMs: options.windowMs ?? 0,
    commit: async (writes) => {
      if (options.commitMs) await new Promise((resolve) => setTimeout(resolve, options.commitMs));
      if (failing) throw new Error('disk I/O error');
      batches.push(writes);
      return writes.map((write) => write * 10);
    },
    closedError: () => new Error('store is closed'),
  });
  return { group, batches, fail: (on: boolean) => (failing = on) };
}

describe('GroupCommitter', () => {
  it('commits writes submitted in the same turn in one batch, results in order', async () => {
    const { group, batches } = committer();
    expect(await Promise.all([1, 2, 3, 4, 5].map((n) => group.submit(n)))).toEqual([
      10, 20, 30, 40, 50,
    ]);
    expect(batches).toEqual([[1, 2, 3, 4, 5]]);
    expect(group.stats).toEqual({ commits: 1, writes: 5 });
  });

  it('commits a lone write without waiting for a timer', async () => {
    // Timers are faked and never advanced, so a commit scheduled on one would never come.
    jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick', 'queueMicrotask'] });
    try {
      const { group } = committer();
      const committed = group.submit(1);
      expect(jest.getTimerCount()).toBe(0);
      await expect(committed).resolves.toBe(10);
    } finally {
      jest.useRealTimers();
    }
  });

  it('gathers writes that arrive during a commit into the next batch', async () => {
    const { group, batches } = committer({ commitMs: 30 });
    const first = group.submit(1);
    await new Promise((resolve) => setImmediate(resolve));
    const later = [2, 3, 4].map((n) => group.submit(n));
    await Promise.all([first, ...later]);
    expect(batches).toEqual([[1], [2, 3, 4]]);
  });

  it('never puts more than maxBatch writes in one commit', async () => {
    const { group, batches } = committer({ maxBatch: 2 });
    await Promise.all([1, 2, 3, 4, 5].map((n) => group.submit(n)));
    expect(batches).toEqual([[1, 2], [3, 4], [5]]);
  });

  it('rejects every write of a failed commit, then commits again once the store recovers', async () => {
    const { group, fail } = committer();
    fail(true);
    const outcomes = await Promise.allSettled([group.submit(1), group.submit(2)]);
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected']);
    expect((outcomes[0] as PromiseRejectedResult).reason).toEqual(new Error('disk I/O error'));
    fail(false);
    await expect(group.submit(3)).resolves.toBe(30);
  });

  it('commits what is queued on close and refuses writes after it', async () => {
    const { group, batches } = committer({ windowMs: 1000 });
    const queued = group.submit(7);
    await group.close();
    await expect(queued).resolves.toBe(70);
    expect(batches).toEqual([[7]]);
    await expect(group.submit(8)).rejects.toThrow('store is closed');
  });
});
