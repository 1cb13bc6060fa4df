/**
 * L4: the evaluation tasks, loaded and ready to run. Six types, as in MTEB; each names its split
 * and carries its data in memory. Built-in loaders, BEIR folders and user task files all produce
 * these.
 */
import type { Qrels } from "../metrics/retrieval-metrics.js";

export interface StsPair {
  readonly text1: string;
  readonly text2: string;
  readonly score: number;
}

export interface LabeledText {
  readonly text: string;
  readonly label: string;
}

export interface LabeledPair {
  readonly text1: string;
  readonly text2: string;
  /** 1: similar / duplicate; 0: not. */
  readonly label: 0 | 1;
}

export interface RetrievalDocument {
  readonly id: string;
  readonly title?: string;
  readonly text: string;
}

export interface RetrievalQuery {
  readonly id: string;
  readonly text: string;
}

export interface RerankingSample {
  readonly query: string;
  readonly positive: readonly string[];
  readonly negative: readonly string[];
}

export interface ClusteringSet {
  readonly texts: readonly string[];
  readonly labels: readonly string[];
}

export interface TaskBase {
  readonly name: string;
  /** The split evaluated (MTEB's results are keyed by it), e.g. "test". */
  readonly split: string;
  readonly description?: string;
  /** Languages as MTEB writes them (ISO 639-3 + script), e.g. ["eng-Latn"]. */
  readonly languages?: readonly string[];
}

export interface StsTask extends TaskBase {
  readonly type: "sts";
  readonly pairs: readonly StsPair[];
  /** Range of the gold scores; MTEB rescales gold to [0, 1] with it (correlations do not change). */
  readonly scoreRange?: readonly [number, number];
}

export interface ClassificationTask extends TaskBase {
  readonly type: "classification";
  readonly train: readonly LabeledText[];
  readonly test: readonly LabeledText[];
  /** Repeated experiments, each on a new undersampling of train. MTEB default: 10. */
  readonly nExperiments?: number;
  /** Train examples kept per label in each experiment. MTEB default: 8. */
  readonly samplesPerLabel?: number;
}

export interface PairClassificationTask extends TaskBase {
  readonly type: "pair-classification";
  readonly pairs: readonly LabeledPair[];
}

export interface RetrievalTask extends TaskBase {
  readonly type: "retrieval";
  readonly corpus: readonly RetrievalDocument[];
  readonly queries: readonly RetrievalQuery[];
  readonly qrels: Qrels;
  /** Cut-offs reported. MTEB: [1, 3, 5, 10, 20, 100, 1000]. */
  readonly kValues?: readonly number[];
  /** Drop a hit whose document id equals the query id (MTEB's ignore_identical_ids). Default false. */
  readonly ignoreIdenticalIds?: boolean;
}

export interface RerankingTask extends TaskBase {
  readonly type: "reranking";
  readonly samples: readonly RerankingSample[];
}

export interface ClusteringTask extends TaskBase {
  readonly type: "clustering";
  /** Each set is clustered on its own; the score is the mean V-measure over sets. */
  readonly sets: readonly ClusteringSet[];
}

/** A whole document of a chunked-retrieval task (see chunked-retrieval-task.ts). */
export interface ChunkedDocument {
  readonly id: string;
  readonly text: string;
}

/** A gold span: UTF-16 offsets [start, end) into one document's text. */
export interface GoldSpan {
  readonly doc: string;
  readonly start: number;
  readonly end: number;
}

export interface ChunkedQuery {
  readonly id: string;
  readonly text: string;
  /** Where the answer is; at least one span. */
  readonly gold: readonly GoldSpan[];
}

export interface ChunkedRetrievalTask extends TaskBase {
  readonly type: "chunked-retrieval";
  readonly documents: readonly ChunkedDocument[];
  readonly queries: readonly ChunkedQuery[];
}

export type EvalTask =
  | StsTask
  | ClassificationTask
  | PairClassificationTask
  | RetrievalTask
  | RerankingTask
  | ClusteringTask
  | ChunkedRetrievalTask;

export type TaskType = EvalTask["type"];
