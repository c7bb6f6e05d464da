import pino, { type Logger } from 'pino';

/**
 * Header and field names whose values are credentials. Logs are structured JSON; these never
 * appear in them, whatever a caller passes.
 */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-twilio-signature"]',
  'headers.authorization',
  'headers.cookie',
  'headers["x-twilio-signature"]',
  'password',
  '*.password',
  'authToken',
  '*.authToken',
];

export function createRootLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'b2c-webhook-gateway' },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}
