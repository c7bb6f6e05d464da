import { isObject } from '../kit/payload';

/**
 * The value at an RFC 6901 JSON Pointer (`/data/to/0`), or undefined when any step is missing.
 * Only own properties are followed, so a pointer such as `/__proto__` finds nothing.
 * (A candidate for the vendor kit if another vendor needs configurable field paths.)
 */
export function resolvePointer(document: unknown, pointer: string): unknown {
  if (pointer === '') return document;
  let node: unknown = document;
  for (const escaped of pointer.slice(1).split('/')) {
    const token = escaped.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(node)) {
      if (!/^(0|[1-9]\d*)$/.test(token)) return undefined;
      node = node[Number(token)];
    } else if (isObject(node) && Object.hasOwn(node, token)) {
      node = node[token];
    } else {
      return undefined;
    }
  }
  return node;
}

/** How a pointer is named in errors: `data.from` reads better than `/data/from`. */
export function pointerLabel(pointer: string): string {
  return pointer === ''
    ? '(body)'
    : pointer
        .slice(1)
        .split('/')
        .map((token) => token.replace(/~1/g, '/').replace(/~0/g, '~'))
        .join('.');
}
