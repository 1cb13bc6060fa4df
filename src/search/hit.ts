/**
 * L4: a search hit as the search module takes and returns it: a document id and its score.
 */
/** A document id as hits carry it. */
export type HitId = string | number;

/** One search result: which document, and how well it matched (higher is better). */
export interface Hit {
  /** The document's id, as the list that produced the hit names it. */
  readonly id: HitId;
  /** The retriever's score; only its order within one list matters to RRF. */
  readonly score: number;
}
