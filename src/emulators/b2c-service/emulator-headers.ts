/**
 * Header names shared by the emulator and its control client. Oracle's custom headers are
 * documented in https://docs.oracle.com/en/cloud/saas/b2c-service/cxsvc/c_osvc_custom_headers.html
 */

/** Required from v1.4 on; at most 40 characters. */
export const APPLICATION_CONTEXT_HEADER = 'osvc-crest-application-context';
export const APPLICATION_CONTEXT_MAX_LENGTH = 40;

/** Milliseconds the client must wait before its next request (sent with throttling answers). */
export const NEXT_REQUEST_AFTER_HEADER = 'osvc-crest-next-request-after';

/**
 * Emulator-only: requests of EmulatorControl carry `x-b2c-emulator-control: true` and skip faults
 * and the request log, so that inspecting the data never disturbs what a test injected or asserts.
 */
export const CONTROL_BYPASS_HEADER = 'x-b2c-emulator-control';
