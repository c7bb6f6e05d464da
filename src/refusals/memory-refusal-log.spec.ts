import { MemoryRefusalLog } from './memory-refusal-log';
import { INSTANCE_ID } from '../common/problem/reference-id';

describe('MemoryRefusalLog', () => {
  it('keeps the latest refusals, bounded', async () => {
    const log = new MemoryRefusalLog();
    for (let i = 0; i < 10_005; i++) log.record(`203.${INSTANCE_ID}.1.${i.toString(16)}`, { i });
    expect(log.size).toBe(10_000);
    expect(await log.find(`203.${INSTANCE_ID}.1.0`)).toBeUndefined();
    expect(await log.find(`203.${INSTANCE_ID}.1.${(10_004).toString(16)}`)).toEqual({ i: 10_004 });
  });

  it('finds an id pasted in upper case or with spaces around it', async () => {
    const log = new MemoryRefusalLog();
    log.record('18.4c96df17.1644609140.2a155db', { status: 403 });
    expect(await log.find('  18.4C96DF17.1644609140.2A155DB\n')).toEqual({ status: 403 });
  });

  it('does not count a lookup as use: the oldest is still forgotten first', async () => {
    const log = new MemoryRefusalLog({ capacity: 2 });
    log.record('a', { n: 1 });
    log.record('b', { n: 2 });
    await log.find('a');
    log.record('c', { n: 3 });
    expect(await log.find('a')).toBeUndefined();
    expect(await log.find('b')).toEqual({ n: 2 });
  });

  it('forgets a refusal once its time to live has passed', async () => {
    const clock = { now: 1_000 };
    const log = new MemoryRefusalLog({ ttlMs: 500, clock: () => clock.now });
    log.record('a', { n: 1 });
    clock.now += 499;
    expect(await log.find('a')).toEqual({ n: 1 });
    clock.now += 1;
    expect(await log.find('a')).toBeUndefined();
  });
});
