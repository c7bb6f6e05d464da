import { Logger } from '@nestjs/common';
import { GatewayError, ProblemCode } from '../common/problem/gateway-error';
import { PostgresRefusalLog } from './postgres-refusal-log';

type Query = (text: string, values?: unknown[]) => Promise<{ rows: unknown[]; rowCount: number }>;

/** A database that answers `query` (or fails), counting statements and how many overlap. */
function fakeDatabase(answer: Query) {
  const seen = { inserts: 0, rowsInserted: 0, running: 0, mostAtOnce: 0 };
  const query = jest.fn(async (text: string, values?: unknown[]) => {
    if (text.includes('INSERT INTO refusals')) {
      seen.inserts += 1;
      seen.rowsInserted += (JSON.parse(String(values?.[0])) as unknown[]).length;
    }
    seen.running += 1;
    seen.mostAtOnce = Math.max(seen.mostAtOnce, seen.running);
    try {
      await new Promise((resolve) => setTimeout(resolve, 5));
      return await answer(text, values);
    } finally {
      seen.running -= 1;
    }
  });
  // Only `query` is used; the cast spares building a whole pg result per answer.
  return { database: { query } as never, query, seen };
}

const ok: Query = () => Promise.resolve({ rows: [], rowCount: 0 });
const down: Query = () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:5432'));
const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('PostgresRefusalLog', () => {
  let warn: jest.SpyInstance;
  const logs: PostgresRefusalLog[] = [];
  const open = (...args: ConstructorParameters<typeof PostgresRefusalLog>) => {
    const log = new PostgresRefusalLog(...args);
    logs.push(log);
    return log;
  };

  beforeEach(() => {
    warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  });
  afterEach(async () => {
    warn.mockRestore();
    for (const log of logs.splice(0)) await log.onApplicationShutdown();
  });

  it('writes a flood of refusals in a few multi-row statements, one at a time', async () => {
    const { database, seen } = fakeDatabase(ok);
    const log = open(database);
    for (let i = 0; i < 2_500; i += 1) log.record(`203.abc.1.${i.toString(16)}`, { i });
    // Refusals arriving while a write is under way join the next one.
    await turn();
    for (let i = 2_500; i < 2_600; i += 1) log.record(`203.abc.1.${i.toString(16)}`, { i });
    await log.flush();
    expect(seen.rowsInserted).toBe(2_600);
    expect(seen.inserts).toBeLessThanOrEqual(4);
    expect(seen.mostAtOnce).toBe(1);
  });

  it('answers a refusal not yet written from what it holds', async () => {
    const { database, seen } = fakeDatabase(ok);
    const log = open(database);
    log.record('203.abc.1.2a', { status: 401 });
    expect(await log.find('203.ABC.1.2A')).toEqual({ status: 401 });
    expect(seen.inserts).toBe(0);
  });

  it('never throws while the database is down, and says so at most once a minute', async () => {
    const clock = { now: 1_000_000 };
    const { database } = fakeDatabase(down);
    const log = open(database, { clock: () => clock.now });
    for (let round = 0; round < 3; round += 1) {
      expect(() => log.record(`203.abc.1.${round}`, { round })).not.toThrow();
      await log.flush();
    }
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0][0])).toMatch(/1 refusals not stored.*ECONNREFUSED/);
    clock.now += 60_000;
    log.record('203.abc.1.9', {});
    await log.flush();
    expect(warn).toHaveBeenCalledTimes(2);
    expect(String(warn.mock.calls[1][0])).toMatch(/2 more since the last report/);
  });

  it('stores a line JSONB could not hold, with the offending characters replaced', async () => {
    const { database, query } = fakeDatabase(ok);
    const log = open(database);
    log.record('203.abc.1.1', { detail: 'nul \u0000 and lone \ud800 here' });
    await log.flush();
    const json = String(query.mock.calls[0][1]?.[0]);
    expect(json).not.toMatch(/\\u0000|\\ud800/);
    expect(JSON.parse(json)).toEqual([
      {
        reference_id: '203.abc.1.1',
        line: { detail: 'nul \ufffd and lone \ufffd here' },
        expires_at: expect.any(Number),
      },
    ]);
  });

  it('skips a line JSON cannot hold, and writes the others', async () => {
    const { database, seen } = fakeDatabase(ok);
    const log = open(database);
    log.record('203.abc.1.1', { big: 1n });
    log.record('203.abc.1.2', { fine: true });
    await log.flush();
    expect(seen.rowsInserted).toBe(1);
  });

  it('answers a lookup the database cannot serve with store-unavailable', async () => {
    const { database } = fakeDatabase(down);
    const log = open(database);
    const error = await log.find('203.abc.1.1').catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(GatewayError);
    expect((error as GatewayError).code).toBe(ProblemCode.StoreUnavailable);
    expect((error as GatewayError).logDetails).toEqual({
      cause: expect.stringMatching(/ECONNREFUSED/),
    });
  });
});
