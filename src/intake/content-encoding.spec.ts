import { undecodedContentCodings } from './content-encoding';

describe('undecodedContentCodings', () => {
  it.each([[undefined], [''], ['identity'], ['Identity'], [' identity , '], [['identity']]])(
    'accepts %p',
    (header) => {
      expect(undecodedContentCodings(header)).toEqual([]);
    },
  );

  it.each([
    ['gzip', ['gzip']],
    ['GZIP', ['gzip']],
    ['identity, br', ['br']],
    ['deflate,gzip', ['deflate', 'gzip']],
    [['identity', 'x-gzip'], ['x-gzip']],
    ['zstd', ['zstd']],
  ])('refuses %p', (header, codings) => {
    expect(undecodedContentCodings(header)).toEqual(codings);
  });
});
