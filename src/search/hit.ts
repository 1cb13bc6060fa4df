/**
 * L4: a search hit as the search module takes and returns it: a document id and its score.
 */
export type HitId = string | number;

export interface Hit {
  readonly id: HitId;
  readonly score: number;
}
