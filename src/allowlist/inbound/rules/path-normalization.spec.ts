import { fuzzRuns } from '../../../../test/support/fuzz-runs';
import fc from 'fast-check';
import { MalformedPathError, normalizePath, readPath } from './path-normalization';

/** A reference resolver written the obvious way, to check the fast one against. */
function reference(path: string): string {
  const stack: string[] = [];
  for (const segment of path.split(/[?#]/)[0].toLowerCase().split('/')) {
    if (segment === '..') stack.pop();
    else if (segment !== '' && segment !== '.') stack.push(segment);
  }
  return `/${stack.join('/')}`;
}

/** Paths made of the pieces that matter: separators, dot segments, case, escapes, queries. */
const pathPiece = fc.constantFrom(
  '/',
  '//',
  '.',
  '..',
  '/./',
  '/../',
  'vendors',
  'Twilio',
  'WEBHOOK',
  'a',
  '%2e',
  '%2E%2e',
  '%41',
  '%2F',
  '%5c',
  '%25',
  '%',
  '%zz',
  '%c3%a9',
  '%C3',
  '?',
  '#',
  '&x=1',
  '\\',
  '\u0000',
  'É',
);
const pathLike = fc.array(pathPiece, { maxLength: 12 }).map((pieces) => `/${pieces.join('')}`);

function outcome(raw: unknown): string | MalformedPathError {
  try {
    return normalizePath(raw);
  } catch (error) {
    if (error instanceof MalformedPathError) return error;
    throw error;
  }
}

describe('normalizePath', () => {
  it.each([
    ['/vendors/twilio/webhook', '/vendors/twilio/webhook'],
    ['/', '/'],
    ['/vendors/', '/vendors'],
    ['/vendors//twilio///webhook//', '/vendors/twilio/webhook'],
    ['/Vendors/TWILIO/Webhook', '/vendors/twilio/webhook'],
    ['/vendors/twilio/webhook?AccountSid=AC1&To=%2B1', '/vendors/twilio/webhook'],
    ['/vendors/twilio/webhook#frag', '/vendors/twilio/webhook'],
    ['/vendors/./twilio/../bandwidth/webhook', '/vendors/bandwidth/webhook'],
    ['/../../../etc/passwd', '/etc/passwd'],
    ['/vendors/%74wilio/webhook', '/vendors/twilio/webhook'],
    ['/vendors/%2e%2e/%2E/webhook', '/webhook'],
    ['/a/..', '/'],
    ['/a/.', '/a'],
    ['/a/..b/.c', '/a/..b/.c'],
    ['/caf%C3%A9', '/café'],
  ])('%s → %s', (raw, expected) => {
    expect(normalizePath(raw)).toBe(expected);
  });

  it.each([
    ['vendors/twilio', 'does not start with /'],
    ['http://evil.example/vendors/twilio/webhook', 'does not start with /'],
    ['*', 'does not start with /'],
    ['/vendors%2Ftwilio/webhook', 'encodes a separator'],
    ['/vendors%5ctwilio', 'encodes a separator'],
    ['/vendors/%252e%252e/admin', 'encodes a separator'],
    ['/a%3Fb', 'encodes a separator'],
    ['/%zz', 'malformed percent-encoding'],
    ['/%C3', 'malformed percent-encoding'],
    ['/a%00b', 'control character'],
    ['/a\u0001b', 'control character'],
    ['/a\\..\\b', 'backslash'],
  ])('refuses %j (%s)', (raw, reason) => {
    const result = outcome(raw);
    expect(result).toBeInstanceOf(MalformedPathError);
    expect((result as MalformedPathError).reason).toContain(reason);
  });

  it('refuses a path longer than 4096 characters', () => {
    expect(outcome(`/${'a'.repeat(5000)}`)).toBeInstanceOf(MalformedPathError);
  });

  it('refuses non-strings with a typed error', () => {
    for (const value of [undefined, null, 1, {}, ['/a']]) {
      expect(outcome(value)).toBeInstanceOf(MalformedPathError);
    }
  });

  it('gives the literal reading only when resolution changed the path', () => {
    expect(readPath('/vendors/twilio/webhook')).toEqual({ resolved: '/vendors/twilio/webhook' });
    expect(readPath('/Vendors/twilio/webhook/')).toEqual({
      resolved: '/vendors/twilio/webhook',
    });
    expect(readPath('/admin/../vendors/x')).toEqual({
      resolved: '/vendors/x',
      literal: '/admin/../vendors/x',
    });
    expect(readPath('/a//b')).toEqual({ resolved: '/a/b', literal: '/a//b' });
  });

  it('is idempotent, and agrees with a plain reference resolver', () => {
    fc.assert(
      fc.property(pathLike, (raw) => {
        const once = outcome(raw);
        if (once instanceof MalformedPathError) return;
        expect(normalizePath(once)).toBe(once);
        if (!raw.includes('%')) expect(once).toBe(reference(raw));
      }),
      { numRuns: fuzzRuns(20_000) },
    );
  });

  it('never climbs above the root and leaves no empty or dot segments', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom('..', '.', '', 'a', 'b', '%2e%2e'), { maxLength: 16 }),
        (segments) => {
          const result = normalizePath(`/${segments.join('/')}`);
          expect(result.startsWith('/')).toBe(true);
          if (result !== '/') {
            for (const segment of result.slice(1).split('/')) {
              expect(['', '.', '..']).not.toContain(segment);
            }
          }
          // Prefixing with more `..` changes nothing: the root is a floor.
          expect(normalizePath(`/../../${segments.join('/')}`)).toBe(result);
        },
      ),
      { numRuns: fuzzRuns(10_000) },
    );
  });

  it('only ever returns a path or throws MalformedPathError, for any string', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 60 }), pathLike), (raw) => {
        const result = outcome(raw);
        if (typeof result === 'string') expect(result.startsWith('/')).toBe(true);
      }),
      { numRuns: fuzzRuns(20_000) },
    );
  });
});
