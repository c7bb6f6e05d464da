import { GroupCommitter } from './group-commit';

function committer(overrides: { maxBatch?: number; windowMs?: number; fail?: () => boolean } = {}) {
  const transactions: number[] = [];
  const group = new GroupCommitter({
    maxBatch: overrides.maxBatch ?? 100,
    windowMs: overrides.windowMs ?? 0,
    transaction: (work) => {
      if (overrides.fail?.()) throw new Error('disk I/O error');
      work();
      transactions.push(transactions.length + 1);
    },
    onCommitError: (error) => new Error(`store unavailable: ${(error as Error).message}`),
  });
  return { group, transactions };
}

describe('GroupCommitter', () => {
  it('commits writes submitted in the same turn in one transaction', async () => {
    const { group, transactions } = committer();
    const results = await Promise.all([1, 2, 3, 4, 5].map((n) => group.submit(() => n * 10)));
    expect(results).toEqual([10, 20, 30, 40, 50]);
    expect(transactions).toHaveLength(1);
    expect(group.stats).toEqual({ commits: 1, writes: 5 });
  });

  it('commits a lone write without waiting for a timer', async () => {
    const { group } = committer();
    const started = process.hrtime.bigint();
    await group.submit(() => 'ok');
    const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
    // setImmediate runs within the same loop iteration; a timer-based design would take ≥1 ms.
    expect(elapsedMs).toBeLessThan(50);
    expect(group.stats.commits).toBe(1);
  });

  it('commits at once when maxBatch writes are waiting', async () => {
    const { group } = committer({ maxBatch: 2 });
    const all = Promise.all([group.submit(() => 1), group.submit(() => 2), group.submit(() => 3)]);
    await all;
    expect(group.stats.commits).toBe(2);
  });

  it('rejects every write of a failed commit and resolves none', async () => {
    let failing = true;
    const { group } = committer({ fail: () => failing });
    const outcomes = await Promise.allSettled([group.submit(() => 1), group.submit(() => 2)]);
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected']);
    expect((outcomes[0] as PromiseRejectedResult).reason).toEqual(
      new Error('store unavailable: disk I/O error'),
    );
    failing = false;
    await expect(group.submit(() => 3)).resolves.toBe(3);
  });

  it('refuses writes after close, having committed what was queued', async () => {
    const { group } = committer({ windowMs: 1000 });
    const queued = group.submit(() => 'queued');
    group.close();
    await expect(queued).resolves.toBe('queued');
    await expect(group.submit(() => 'late')).rejects.toThrow('store is closed');
  });
});
