/**
 * Label values for B2C's answers, bounded whatever a server (or a proxy in front of it) sends:
 * HTTP statuses are three digits, and Oracle's error codes look like `OSC-CREST-00035`.
 */
const ORACLE_ERROR_CODE = /^OSC-CREST-\d{5}$/;

/** No answer at all (timeout, lost connection, outbound refusal). */
export const NO_ANSWER = 'none';

export function b2cStatusLabel(status: number | undefined): string {
  if (status === undefined) return NO_ANSWER;
  return Number.isInteger(status) && status >= 100 && status <= 599 ? String(status) : 'other';
}

/** `none` when the answer carried no code (every success), `other` for one of another shape. */
export function b2cErrorCodeLabel(
  status: number | undefined,
  errorCode: string | undefined,
): string {
  if (status === undefined || errorCode === undefined || errorCode === '') return NO_ANSWER;
  return ORACLE_ERROR_CODE.test(errorCode) ? errorCode : 'other';
}
