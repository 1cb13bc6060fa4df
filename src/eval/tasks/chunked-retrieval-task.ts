/**
 * L4: chunked retrieval, the task type for long documents. The corpus is whole documents; the
 * model under evaluation chunks them (naive or late chunking, at a chosen size), and results are
 * scored twice:
 * - per chunk: a chunk is relevant to a query when its character range overlaps one of the
 *   query's gold spans in that document;
 * - per document: a document is relevant when it holds a gold span, and its score for a query is
 *   its best chunk's.
 */
export type { ChunkedDocument, GoldSpan, ChunkedQuery, ChunkedRetrievalTask } from "./task-types.js";
