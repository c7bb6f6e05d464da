import { decodeCursor, encodeCursor } from './message-cursor';

describe('message log cursor', () => {
  it('gives back the position it was made from', () => {
    const position = { receivedAt: 1_795_428_000_123, seq: 42 };
    const cursor = encodeCursor(position);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor)).toEqual(position);
  });

  it.each([
    '',
    'not a cursor!',
    Buffer.from('{"receivedAt":1,"seq":2}').toString('base64url'),
    Buffer.from('[1]').toString('base64url'),
    Buffer.from('[1,-2]').toString('base64url'),
    Buffer.from('[1.5,2]').toString('base64url'),
    Buffer.from('["1",2]').toString('base64url'),
    Buffer.from('[1e300,2]').toString('base64url'),
    Buffer.from('[1,2').toString('base64url'),
    'A'.repeat(65),
  ])('refuses %j', (cursor) => {
    expect(decodeCursor(cursor)).toBeUndefined();
  });
});
