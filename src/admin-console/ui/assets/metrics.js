// Reading the gateway's Prometheus text (GET /admin/metrics) for the overview.

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

/** Every sample: `{ name, labels, value }`. Comments and unreadable lines are skipped. */
export function parseMetrics(text) {
  const samples = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = SAMPLE.exec(line);
    if (!match) continue;
    const labels = {};
    for (const [, name, value] of (match[2] ?? '').matchAll(LABEL)) {
      labels[name] = value.replace(/\\(.)/g, (_, c) => (c === 'n' ? '\n' : c));
    }
    samples.push({ name: match[1], labels, value: Number(match[3]) });
  }
  return samples;
}

/** The sum of `name`'s samples whose labels include `where`. */
export function total(samples, name, where = {}) {
  let sum = 0;
  let seen = false;
  for (const sample of samples) {
    if (sample.name !== name) continue;
    if (!Object.entries(where).every(([key, value]) => sample.labels[key] === value)) continue;
    sum += sample.value;
    seen = true;
  }
  return seen ? sum : undefined;
}

/** The values one label takes among `name`'s samples. */
export function labelValues(samples, name, label) {
  const values = new Set();
  for (const sample of samples) {
    if (sample.name === name && sample.labels[label] !== undefined)
      values.add(sample.labels[label]);
  }
  return [...values].sort();
}
