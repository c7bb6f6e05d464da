/**
 * Hand-written blocks of docs/benchmarks.md, which a new run must keep: text between
 * `<!-- hand-written -->` and `<!-- /hand-written -->` lines (method notes, figures from runs
 * outside `npm run bench`). Each block belongs to the heading above it and is put back at the end
 * of that heading's text, before the next heading; a block whose heading the new report lacks
 * goes before "## How to run".
 */
export const HAND_WRITTEN_START = '<!-- hand-written -->';
export const HAND_WRITTEN_END = '<!-- /hand-written -->';

export interface HandWrittenBlock {
  /** The heading line above the block (outside any block), if any. */
  heading?: string;
  /** The block's lines, its two marker lines included. */
  lines: string[];
}

const isHeading = (line: string) => /^#{1,6} /.test(line);

/** The hand-written blocks of `doc`, in order; an unclosed block runs to the end. */
export function handWrittenBlocks(doc: string): HandWrittenBlock[] {
  const blocks: HandWrittenBlock[] = [];
  let heading: string | undefined;
  let open: string[] | undefined;
  for (const line of doc.split('\n')) {
    if (open) {
      open.push(line);
      if (line.trim() === HAND_WRITTEN_END) {
        blocks.push({ ...(heading === undefined ? {} : { heading }), lines: open });
        open = undefined;
      }
    } else if (line.trim() === HAND_WRITTEN_START) {
      open = [line];
    } else if (isHeading(line)) {
      heading = line;
    }
  }
  if (open) blocks.push({ ...(heading === undefined ? {} : { heading }), lines: open });
  return blocks;
}

/** `doc` without its hand-written blocks (and the blank line after each). */
export function withoutHandWritten(doc: string): string {
  const kept: string[] = [];
  let inside = false;
  let skipBlank = false;
  for (const line of doc.split('\n')) {
    if (inside) {
      if (line.trim() === HAND_WRITTEN_END) {
        inside = false;
        skipBlank = true;
      }
      continue;
    }
    if (line.trim() === HAND_WRITTEN_START) {
      inside = true;
      continue;
    }
    if (skipBlank && line === '') {
      skipBlank = false;
      continue;
    }
    skipBlank = false;
    kept.push(line);
  }
  return kept.join('\n');
}

/** `doc` (which has no blocks) with `blocks` put back under their headings, in their order. */
export function withHandWritten(doc: string, blocks: HandWrittenBlock[]): string {
  const lines = doc.split('\n');
  const howToRun = lines.indexOf('## How to run');
  const fallback = howToRun >= 0 ? howToRun : lines.length;
  // Positions are found in the report as rendered, before any insertion, so that a block that
  // holds a heading of its own does not move the place of the blocks after it.
  const at = (heading?: string): number => {
    const start = heading === undefined ? -1 : lines.indexOf(heading);
    if (start < 0) return fallback;
    const next = lines.findIndex((line, i) => i > start && isHeading(line));
    return next < 0 ? lines.length : next;
  };
  const byPosition = new Map<number, string[]>();
  for (const block of blocks) {
    const position = at(block.heading);
    byPosition.set(position, [...(byPosition.get(position) ?? []), ...block.lines, '']);
  }
  for (const position of [...byPosition.keys()].sort((a, b) => b - a)) {
    const insert = byPosition.get(position) ?? [];
    // A block needs a blank line above it to stay a paragraph of its own.
    if (position > 0 && lines[position - 1] !== '') insert.unshift('');
    lines.splice(position, 0, ...insert);
  }
  return lines.join('\n');
}

/** `rendered` with the hand-written blocks of `previous` (the file it replaces) kept. */
export function keepHandWritten(previous: string, rendered: string): string {
  return withHandWritten(withoutHandWritten(rendered), handWrittenBlocks(previous));
}
