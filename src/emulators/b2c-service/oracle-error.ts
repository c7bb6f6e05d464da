/**
 * Oracle's error body for the Connect REST API and the error codes the emulator answers with.
 *
 * Shape (type, title, status, detail, instance, o:errorCode) and the example "attempt to write a
 * resource failed ... No such Contact with ID = 209" come from
 * https://docs.oracle.com/en/cloud/saas/service/18a/cxsvc/c_osvc_exceptions.html
 * Codes and their meaning come from
 * https://docs.oracle.com/en/cloud/saas/b2c-service/cxsvc/c_osvc_error_codes.html
 * Throttling = HTTP 503 + OSC-CREST-00035 comes from Oracle support answer 12293:
 * https://cx.rightnow.com/app/answers/detail/a_id/12293
 */

export const ErrorCode = {
  UnsupportedMethod: 'OSC-CREST-00002',
  UnsupportedVersion: 'OSC-CREST-00003',
  CannotRead: 'OSC-CREST-00005',
  WriteFailed: 'OSC-CREST-00006',
  InvalidQueryParameter: 'OSC-CREST-00007',
  Internal: 'OSC-CREST-00008',
  NoPostData: 'OSC-CREST-00010',
  BadJson: 'OSC-CREST-00011',
  CreateFailed: 'OSC-CREST-00012',
  UnrecognizedResource: 'OSC-CREST-00013',
  NotAuthorized: 'OSC-CREST-00014',
  UnsupportedManner: 'OSC-CREST-00016',
  Throttled: 'OSC-CREST-00035',
} as const;

/**
 * Titles are the documented descriptions without their final period, as in Oracle's own example
 * ("An attempt to write a resource failed"). OSC-CREST-00035 is not in the part of the code list
 * we could read; its title is ours.
 */
const TITLES: Readonly<Record<string, string>> = {
  'OSC-CREST-00002': 'An unsupported HTTP method was used',
  'OSC-CREST-00003': 'An unsupported version of Connect REST API was used',
  'OSC-CREST-00005': 'An attempt to read a resource that cannot be read was made',
  'OSC-CREST-00006': 'An attempt to write a resource failed',
  'OSC-CREST-00007': 'An invalid query parameter was used',
  'OSC-CREST-00008': 'An internal error occurred during the processing of the request',
  'OSC-CREST-00010': 'No POST data was found in the request',
  'OSC-CREST-00011': 'Bad JavaScript Object Notation (JSON) syntax was found in the request',
  'OSC-CREST-00012': 'A problem occurred when attempting to create a resource',
  'OSC-CREST-00013': 'The resource identified in the URI was not recognized',
  'OSC-CREST-00014': "You're not authorized to use this site",
  'OSC-CREST-00016': 'The Connect REST API was accessed in a nonsupported manner',
  'OSC-CREST-00035': 'The request was rejected by API throttling',
};

export interface OracleErrorBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  'o:errorCode': string;
}

/** Thrown anywhere in request handling; the dispatcher turns it into Oracle's error body. */
export class EmulatorHttpError extends Error {
  constructor(
    readonly status: number,
    readonly errorCode: string,
    readonly detail: string,
    readonly headers: Readonly<Record<string, string>> = {},
    readonly title?: string,
  ) {
    super(detail);
    this.name = new.target.name;
  }
}

export function titleForErrorCode(errorCode: string): string {
  return TITLES[errorCode] ?? 'An error occurred during the processing of the request';
}

/** The code an injected fault gets when the test does not name one. */
export function defaultErrorCodeForStatus(status: number): string {
  switch (status) {
    case 401:
    case 403:
      return ErrorCode.NotAuthorized;
    case 404:
      return ErrorCode.UnrecognizedResource;
    case 405:
      return ErrorCode.UnsupportedMethod;
    case 503:
      // A 503 from the Connect REST API is throttling (support answer 12293).
      return ErrorCode.Throttled;
    default:
      return status >= 500 ? ErrorCode.Internal : ErrorCode.UnsupportedManner;
  }
}

/**
 * @param origin scheme://host[:port] the client used, so links point back at the emulator.
 * @param instancePath request path without the query string (Oracle's `instance` is the URI).
 */
export function oracleErrorBody(
  origin: string,
  instancePath: string,
  error: Pick<EmulatorHttpError, 'status' | 'errorCode' | 'detail' | 'title'>,
): OracleErrorBody {
  return {
    type: `${origin}/services/rest/connect/exceptions/${error.errorCode}`,
    title: error.title ?? titleForErrorCode(error.errorCode),
    status: error.status,
    detail: error.detail,
    instance: `${origin}${instancePath}`,
    'o:errorCode': error.errorCode,
  };
}
