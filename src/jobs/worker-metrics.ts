/**
 * L5: a worker's counters, rendered in Prometheus's text format (0.0.4). Deliberately tiny and
 * separate from server/prometheus.ts, which jobs/ may not import (it is a higher layer).
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export type UnitOutcome = "done" | "failed" | "retrying" | "skipped";

export class WorkerMetrics {
  readonly startedAt = Date.now();
  private readonly units = new Map<UnitOutcome, number>();
  records = 0;
  tokens = 0;
  /** Seconds spent computing units that finished, for tokens/s. */
  busySeconds = 0;
  /** Units running now. */
  active = 0;

  countUnit(outcome: UnitOutcome): void {
    this.units.set(outcome, (this.units.get(outcome) ?? 0) + 1);
  }

  unitCount(outcome: UnitOutcome): number {
    return this.units.get(outcome) ?? 0;
  }

  render(): string {
    const lines: string[] = [];
    const metric = (name: string, type: string, help: string, samples: [string, number][]): void => {
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
      for (const [labels, v] of samples) lines.push(`${name}${labels} ${v}`);
    };
    const outcomes: UnitOutcome[] = ["done", "failed", "retrying", "skipped"];
    metric(
      "embedkit_worker_units_total",
      "counter",
      "Units this worker finished, by outcome.",
      outcomes.map((o) => [`{outcome="${o}"}`, this.unitCount(o)]),
    );
    metric("embedkit_worker_records_total", "counter", "Records embedded and written.", [["", this.records]]);
    metric("embedkit_worker_tokens_total", "counter", "Tokens of the records embedded and written.", [
      ["", this.tokens],
    ]);
    metric("embedkit_worker_busy_seconds_total", "counter", "Seconds spent on units that were written.", [
      ["", this.busySeconds],
    ]);
    metric("embedkit_worker_active_units", "gauge", "Units being computed now.", [["", this.active]]);
    metric("embedkit_worker_tokens_per_second", "gauge", "Tokens per busy second so far.", [
      ["", this.busySeconds > 0 ? this.tokens / this.busySeconds : 0],
    ]);
    metric("embedkit_worker_uptime_seconds", "gauge", "Seconds since the worker started.", [
      ["", (Date.now() - this.startedAt) / 1000],
    ]);
    return lines.join("\n") + "\n";
  }
}

/** Serves GET /metrics on host:port (port 0: any free port). */
export async function serveMetrics(
  metrics: WorkerMetrics,
  host: string,
  port: number,
): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    if (req.method === "GET" && req.url?.split("?")[0] === "/metrics") {
      res.writeHead(200, { "content-type": "text/plain; version=0.0.4; charset=utf-8" });
      res.end(metrics.render());
      return;
    }
    res.writeHead(404, { "content-type": "text/plain" });
    res.end("not found; try /metrics\n");
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  const addr = server.address() as AddressInfo;
  return {
    url: `http://${host.includes(":") ? `[${host}]` : host}:${addr.port}/metrics`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
