/**
 * A browser's view of the admin console, by hand: cookies kept from Set-Cookie (name to value,
 * no path or expiry logic: the tests assert those attributes themselves), redirects not followed.
 */
export class CookieJar {
  readonly cookies = new Map<string, string>();

  /** Keeps (or, for an empty value or Max-Age=0, drops) every cookie the response sets. */
  take(response: Response): string[] {
    const lines = response.headers.getSetCookie();
    for (const line of lines) {
      const [pair, ...attributes] = line.split(';').map((part) => part.trim());
      const equals = pair.indexOf('=');
      const name = pair.slice(0, equals);
      const value = pair.slice(equals + 1);
      if (value === '' || attributes.some((a) => /^max-age=0$/i.test(a))) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return lines;
  }

  header(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }
}

/** The attributes of one Set-Cookie line, names lower-cased; flags map to true. */
export function cookieAttributes(line: string): {
  name: string;
  value: string;
  attributes: Record<string, string | true>;
} {
  const [pair, ...rest] = line.split(';').map((part) => part.trim());
  const equals = pair.indexOf('=');
  const attributes: Record<string, string | true> = {};
  for (const attribute of rest) {
    const at = attribute.indexOf('=');
    if (at < 0) attributes[attribute.toLowerCase()] = true;
    else attributes[attribute.slice(0, at).toLowerCase()] = attribute.slice(at + 1);
  }
  return { name: pair.slice(0, equals), value: pair.slice(equals + 1), attributes };
}
