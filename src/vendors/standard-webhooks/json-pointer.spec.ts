import { pointerLabel, resolvePointer } from './json-pointer';

describe('resolvePointer (RFC 6901)', () => {
  const document = {
    data: { from: '+1', to: ['+2', '+3'] },
    'a/b': { 'm~n': 'escaped' },
    '': 'empty key',
  };

  it.each([
    ['', document],
    ['/data/from', '+1'],
    ['/data/to/1', '+3'],
    ['/a~1b/m~0n', 'escaped'],
    ['/', 'empty key'],
  ])('resolves %j', (pointer, expected) => {
    expect(resolvePointer(document, pointer)).toEqual(expected);
  });

  it.each([
    '/missing',
    '/data/from/x',
    '/data/to/2',
    '/data/to/01',
    '/data/to/-',
    '/__proto__',
    '/data/constructor',
    '/data/toString',
  ])('finds nothing at %j', (pointer) => {
    expect(resolvePointer(document, pointer)).toBeUndefined();
  });

  it('labels pointers the way errors name fields', () => {
    expect(pointerLabel('/data/from')).toBe('data.from');
    expect(pointerLabel('/a~1b/m~0n')).toBe('a/b.m~n');
    expect(pointerLabel('')).toBe('(body)');
  });
});
