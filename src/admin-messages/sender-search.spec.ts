import { senderSearchValue } from './sender-search';

describe('senderSearchValue', () => {
  it.each([
    ['+14155552671', '+14155552671'],
    ['+1 (415) 555-2671', '+14155552671'],
    ['  +1 415 555 2671 ', '+14155552671'],
    ['1.415.555.2671', '+14155552671'],
    ['0014155552671', '+14155552671'],
    ['tel:+1-415-555-2671', '+14155552671'],
    ['+44 20 7946 0958', '+442079460958'],
    ['+49 (0)30 901820', '+4930901820'],
    ['ACME', 'ACME'],
    ['Bank Alerts', 'Bank Alerts'],
  ])('reads %j as %j', (typed, expected) => {
    expect(senderSearchValue(typed)).toBe(expected);
  });

  it.each(['', '12', '+1 555', '+999 123 4567', "ACME' OR 1=1", 'a'.repeat(33), '+1+4155552671'])(
    'refuses %j',
    (typed) => {
      expect(senderSearchValue(typed)).toBeUndefined();
    },
  );
});
