/** What the machine was doing: load averages, cores, for every benchmark report. */
import { availableParallelism, loadavg } from "node:os";

export function loadAverage(): string {
  const [a, b, c] = loadavg().map((x) => x.toFixed(2));
  return `load average ${a}, ${b}, ${c} (1, 5, 15 min) on ${availableParallelism()} cores`;
}
