import { createRootLogger, REDACTED, REDACTED_HEADERS } from './gateway-logging';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const logger = createRootLogger('info', {
    write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>),
  });
  return { logger, lines };
}

describe('createRootLogger', () => {
  it('writes JSON lines with the service name and an ISO time', () => {
    const { logger, lines } = capture();
    logger.info('hello');
    expect(lines).toEqual([
      { level: 30, time: expect.any(String), service: 'b2c-webhook-gateway', msg: 'hello' },
    ]);
    expect(new Date(String(lines[0].time)).toISOString()).toBe(lines[0].time);
  });

  it('redacts every secret header wherever a line carries headers, and credential fields', () => {
    const { logger, lines } = capture();
    const headers = Object.fromEntries(REDACTED_HEADERS.map((name) => [name, `value-of-${name}`]));
    logger
      .child({ req: { headers: { ...headers, 'content-type': 'application/json' } } })
      .warn(
        { headers, err: { headers }, password: 'pw-1', settings: { authToken: 'token-1' } },
        'refused',
      );
    const [line] = lines as [
      {
        req: { headers: Record<string, string> };
        headers: Record<string, string>;
        err: { headers: Record<string, string> };
        password: string;
        settings: { authToken: string };
      },
    ];
    for (const name of REDACTED_HEADERS) {
      expect(line.req.headers[name]).toBe(REDACTED);
      expect(line.headers[name]).toBe(REDACTED);
      expect(line.err.headers[name]).toBe(REDACTED);
    }
    expect(line.req.headers['content-type']).toBe('application/json');
    expect(line.password).toBe(REDACTED);
    expect(line.settings.authToken).toBe(REDACTED);
  });
});
