/**
 * The value of one series in a Prometheus text exposition, `series` written as it is rendered
 * (`name{label="value",...}`); undefined when the exposition has no such line.
 */
export function sampleValue(exposition: string, series: string): number | undefined {
  const prefix = `${series} `;
  const line = exposition.split('\n').find((candidate) => candidate.startsWith(prefix));
  return line === undefined ? undefined : Number(line.slice(prefix.length));
}
