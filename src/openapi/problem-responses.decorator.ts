import { applyDecorators } from '@nestjs/common';
import { ApiExtraModels, ApiResponse, getSchemaPath } from '@nestjs/swagger';
import { ProblemCode } from '../common/problem/gateway-error';
import { problemType, statusAndTitle } from '../common/problem/problem';
import { ProblemDocumentSchema } from './problem-document.schema';

export const PROBLEM_MEDIA_TYPE = 'application/problem+json';

/** Problems asking the caller to wait, as ProblemFilter and the throttler answer them. */
const RETRY_AFTER: ReadonlySet<ProblemCode> = new Set([
  ProblemCode.Throttled,
  ProblemCode.StoreUnavailable,
]);

/** Any route may refuse these: the inbound allow rules cover every path, and faults happen. */
export const ANY_ROUTE_PROBLEMS = [ProblemCode.SourceNotAllowed, ProblemCode.Internal] as const;

/** What an `/admin` route may answer besides its own problems. */
export const ADMIN_PROBLEMS = [ProblemCode.AdminUnauthorized, ...ANY_ROUTE_PROBLEMS] as const;

/**
 * Documents the problem+json answers a route may give: one response per HTTP status, naming the
 * problem types behind it. Statuses and titles come from the filter's own mapping
 * (`statusAndTitle`), so the document cannot drift from what is sent.
 */
export function ApiProblemResponses(...codes: readonly ProblemCode[]): MethodDecorator {
  const byStatus = new Map<number, ProblemCode[]>();
  for (const code of new Set(codes)) {
    const [status] = statusAndTitle(code);
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  const responses = [...byStatus.entries()]
    .sort(([a], [b]) => a - b)
    .map(([status, group]) =>
      ApiResponse({
        status,
        description: group
          .map((code) => `${statusAndTitle(code)[1]} (\`${problemType(code)}\`)`)
          .join('; '),
        content: {
          [PROBLEM_MEDIA_TYPE]: { schema: { $ref: getSchemaPath(ProblemDocumentSchema) } },
        },
        ...(group.some((code) => RETRY_AFTER.has(code))
          ? {
              headers: {
                'Retry-After': {
                  description: 'Seconds to wait before trying again.',
                  schema: { type: 'integer' },
                },
              },
            }
          : {}),
      }),
    );
  return applyDecorators(ApiExtraModels(ProblemDocumentSchema), ...responses);
}
