/**
 * L6: a small Prometheus registry (counters, gauges, histograms with labels) rendered in the
 * text exposition format, version 0.0.4. Enough for /metrics; no global state.
 */

type Labels = Readonly<Record<string, string>>;

function labelKey(labels: Labels): string {
  const keys = Object.keys(labels).sort();
  return keys.map((k) => `${k}="${escapeLabel(labels[k]!)}"`).join(",");
}

function escapeLabel(v: string): string {
  return v.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, '\\"');
}

function fmt(n: number): string {
  if (n === Infinity) return "+Inf";
  if (n === -Infinity) return "-Inf";
  return Number.isNaN(n) ? "NaN" : String(n);
}

function sample(name: string, key: string, value: number, extra?: string): string {
  const all = [key, extra].filter((s) => s !== undefined && s !== "").join(",");
  return `${name}${all ? `{${all}}` : ""} ${fmt(value)}`;
}

interface Metric {
  readonly name: string;
  render(): string[];
}

export class Counter implements Metric {
  private readonly values = new Map<string, number>();
  constructor(
    readonly name: string,
    readonly help: string,
  ) {}
  inc(labels: Labels = {}, by = 1): void {
    const k = labelKey(labels);
    this.values.set(k, (this.values.get(k) ?? 0) + by);
  }
  get(labels: Labels = {}): number {
    return this.values.get(labelKey(labels)) ?? 0;
  }
  render(): string[] {
    const out = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} counter`];
    if (this.values.size === 0) out.push(sample(this.name, "", 0));
    for (const [k, v] of this.values) out.push(sample(this.name, k, v));
    return out;
  }
}

export class Gauge implements Metric {
  private readonly values = new Map<string, number>();
  constructor(
    readonly name: string,
    readonly help: string,
    private readonly collect?: () => number,
  ) {}
  set(value: number, labels: Labels = {}): void {
    this.values.set(labelKey(labels), value);
  }
  inc(by = 1, labels: Labels = {}): void {
    const k = labelKey(labels);
    this.values.set(k, (this.values.get(k) ?? 0) + by);
  }
  get(labels: Labels = {}): number {
    return this.collect ? this.collect() : (this.values.get(labelKey(labels)) ?? 0);
  }
  render(): string[] {
    if (this.collect) this.set(this.collect());
    const out = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} gauge`];
    if (this.values.size === 0) out.push(sample(this.name, "", 0));
    for (const [k, v] of this.values) out.push(sample(this.name, k, v));
    return out;
  }
}

interface HistogramState {
  readonly counts: number[];
  sum: number;
  count: number;
}

export class Histogram implements Metric {
  private readonly states = new Map<string, HistogramState>();
  constructor(
    readonly name: string,
    readonly help: string,
    readonly buckets: readonly number[],
  ) {}
  observe(value: number, labels: Labels = {}): void {
    const k = labelKey(labels);
    let s = this.states.get(k);
    if (!s) {
      s = { counts: new Array<number>(this.buckets.length).fill(0), sum: 0, count: 0 };
      this.states.set(k, s);
    }
    for (let i = 0; i < this.buckets.length; i++) if (value <= this.buckets[i]!) s.counts[i]!++;
    s.sum += value;
    s.count++;
  }
  /** Sum and count over all label sets (for tests and the bench). */
  totals(): { sum: number; count: number } {
    let sum = 0;
    let count = 0;
    for (const s of this.states.values()) {
      sum += s.sum;
      count += s.count;
    }
    return { sum, count };
  }
  render(): string[] {
    const out = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} histogram`];
    const states =
      this.states.size > 0 ? this.states : new Map([["", { counts: this.buckets.map(() => 0), sum: 0, count: 0 }]]);
    for (const [k, s] of states) {
      this.buckets.forEach((b, i) => out.push(sample(`${this.name}_bucket`, k, s.counts[i]!, `le="${fmt(b)}"`)));
      out.push(sample(`${this.name}_bucket`, k, s.count, `le="+Inf"`));
      out.push(sample(`${this.name}_sum`, k, s.sum));
      out.push(sample(`${this.name}_count`, k, s.count));
    }
    return out;
  }
}

export class Registry {
  private readonly metrics: Metric[] = [];
  register<M extends Metric>(m: M): M {
    this.metrics.push(m);
    return m;
  }
  render(): string {
    return `${this.metrics.flatMap((m) => m.render()).join("\n")}\n`;
  }
}

/** Seconds buckets from 0.5 ms to 30 s. */
export const DURATION_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
/** Powers of two from 1 to 1024. */
export const SIZE_BUCKETS = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024];
