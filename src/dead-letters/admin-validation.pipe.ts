import { ValidationPipe } from '@nestjs/common';
import type { ValidationError } from 'class-validator';
import { GatewayError, ProblemCode } from '../common/problem/gateway-error';

/**
 * 400 bad-request naming every parameter that failed: in the detail (class-validator's messages
 * start with the parameter's name) and as `invalidParams`, the member RFC 9457's example uses.
 */
export function badParameters(errors: ValidationError[]): GatewayError {
  const invalidParams = errors.flatMap((error) =>
    Object.values(error.constraints ?? {}).map((reason) => ({ name: error.property, reason })),
  );
  return new GatewayError(
    ProblemCode.BadRequest,
    invalidParams.map((param) => param.reason).join('; '),
    { invalidParams },
  );
}

/**
 * Admin query parameters, strictly: an unknown or misspelt parameter is a 400, not silently a
 * different request.
 */
export const adminQueryPipe = new ValidationPipe({
  transform: true,
  whitelist: true,
  forbidNonWhitelisted: true,
  exceptionFactory: badParameters,
});
