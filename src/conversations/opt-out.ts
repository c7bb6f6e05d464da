/** What a text says about SMS from us: stop, start again, or nothing. */
export type OptOutWord = 'stop' | 'start';

/**
 * The carriers' convention: the whole text is the keyword (any case, surrounding spaces and
 * punctuation ignored), so "please stop by tomorrow" is not an opt-out.
 */
export function optOutWord(
  text: string,
  keywords: { optOut: readonly string[]; optIn: readonly string[] },
): OptOutWord | undefined {
  const word = text
    .trim()
    .replace(/^[\s\p{P}]+|[\s\p{P}]+$/gu, '')
    .toUpperCase();
  if (word === '') return undefined;
  if (keywords.optOut.some((keyword) => keyword.toUpperCase() === word)) return 'stop';
  if (keywords.optIn.some((keyword) => keyword.toUpperCase() === word)) return 'start';
  return undefined;
}
