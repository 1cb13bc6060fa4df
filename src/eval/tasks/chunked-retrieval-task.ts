/**
 * L4: chunked retrieval, the task type for long documents. The corpus is whole documents; the
 * model under evaluation chunks them (naive or late chunking, at a chosen size), and results are
 * scored twice:
 * - per chunk: a chunk is relevant to a query when its character range overlaps one of the
 *   query's gold spans in that document;
 * - per document: a document is relevant when it holds a gold span, and its score for a query is
 *   its best chunk's.
 */
import type { TaskBase } from "./task-types.js";

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
