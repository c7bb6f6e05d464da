import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import helmet from 'helmet';
import { API_HELMET_OPTIONS, securityHeaders } from './security-headers';

/** What helmet's own middleware sets on a real response, the oracle for the computed set. */
function setByHelmet(): Record<string, string> {
  const request = new IncomingMessage(new Socket());
  const response = new ServerResponse(request);
  response.setHeader('X-Powered-By', 'something');
  let finished = false;
  helmet(API_HELMET_OPTIONS)(request, response, () => {
    finished = true;
  });
  expect(finished).toBe(true);
  return Object.fromEntries(
    Object.entries(response.getHeaders()).map(([name, value]) => [name, String(value)]),
  );
}

describe('securityHeaders', () => {
  it('is exactly the set helmet sets on a response for the same options', () => {
    expect(securityHeaders()).toEqual(setByHelmet());
  });

  it('closes everything a page could use: no sources, no framing, no sniffing', () => {
    const headers = securityHeaders();
    expect(headers['content-security-policy']).toBe("default-src 'none';frame-ancestors 'none'");
    expect(headers['x-content-type-options']).toBe('nosniff');
    expect(headers['referrer-policy']).toBe('no-referrer');
    expect(headers['cross-origin-resource-policy']).toBe('same-origin');
  });

  it('refuses options helmet refuses, at start-up rather than per request', () => {
    expect(() =>
      securityHeaders({ contentSecurityPolicy: { directives: { defaultSrc: ['none'] } } }),
    ).toThrow(/none/);
  });
});
