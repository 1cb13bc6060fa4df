/**
 * L4: a task result as lines a person reads: the main metric first, then the secondary ones,
 * as percentages (MTEB's leaderboard convention), and the time taken.
 */
import type { TaskResult } from "./result.js";
import type { TaskType } from "./tasks/task-types.js";

const METRICS: Record<TaskType, readonly (readonly [key: string, label: string])[]> = {
  sts: [
    ["cross_encoder_spearman", "Spearman (cross-encoder score)"],
    ["cross_encoder_pearson", "Pearson (cross-encoder score)"],
    ["cosine_spearman", "Spearman (cosine)"],
    ["cosine_pearson", "Pearson (cosine)"],
    ["manhattan_spearman", "Spearman (Manhattan)"],
    ["manhattan_pearson", "Pearson (Manhattan)"],
    ["euclidean_spearman", "Spearman (Euclidean)"],
    ["euclidean_pearson", "Pearson (Euclidean)"],
  ],
  classification: [
    ["accuracy", "accuracy"],
    ["f1", "F1 (macro)"],
    ["f1_weighted", "F1 (weighted)"],
  ],
  "pair-classification": [
    ["cosine_ap", "AP (cosine)"],
    ["cosine_accuracy", "best accuracy (cosine)"],
    ["cosine_f1", "best F1 (cosine)"],
    ["max_ap", "AP (best metric)"],
  ],
  "chunked-retrieval": [
    ["chunk_ndcg_at_10", "chunk nDCG@10"],
    ["chunk_recall_at_10", "chunk Recall@10"],
    ["document_ndcg_at_10", "document nDCG@10"],
    ["document_recall_at_10", "document Recall@10"],
  ],
  retrieval: [
    ["ndcg_at_10", "nDCG@10"],
    ["map_at_10", "MAP@10"],
    ["recall_at_10", "Recall@10"],
    ["mrr_at_10", "MRR@10"],
    ["ndcg_at_1", "nDCG@1"],
    ["recall_at_100", "Recall@100"],
  ],
  reranking: [
    ["map", "MAP"],
    ["mrr_at_10", "MRR@10"],
  ],
  clustering: [
    ["v_measure", "V-measure"],
    ["v_measure_std", "V-measure std"],
  ],
};

export interface MetricLine {
  readonly key: string;
  readonly label: string;
  /** As stored (0-1). */
  readonly value: number;
  readonly main: boolean;
}

/** The metrics worth printing for a result, main metric first. */
export function summarizeResult(result: TaskResult): MetricLine[] {
  const entry = Object.values(result.scores)[0]?.[0];
  if (!entry) return [];
  return (METRICS[result.task_type] ?? [])
    .filter(([key]) => typeof entry[key] === "number")
    .map(([key, label], i) => ({ key, label, value: entry[key] as number, main: i === 0 }));
}

export function formatTaskResult(result: TaskResult): string {
  const split = Object.keys(result.scores)[0] ?? "?";
  const lines = [`${result.task_name} (${split}) — ${result.model_name}`];
  const metrics = summarizeResult(result);
  const width = Math.max(...metrics.map((m) => m.label.length), 0);
  for (const m of metrics) {
    lines.push(`  ${m.label.padEnd(width)}  ${(m.value * 100).toFixed(2).padStart(6)}${m.main ? "  (main)" : ""}`);
  }
  lines.push(`  evaluated in ${result.evaluation_time.toFixed(1)} s`);
  return lines.join("\n");
}
