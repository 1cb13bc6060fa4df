/**
 * L1: the prompt sets (prefixes/instructions) shared by model families. Pure data.
 * Family files pick one of these; a model's prompts are never derived from its name.
 */
import type { ModelPrompts } from "../spec.js";

/** No prefix on any side: GTE, MiniLM, jina v2. */
export const NO_PROMPTS = { query: "", passage: "", symmetric: "" } as const satisfies ModelPrompts;

/**
 * BGE English v1.5: the instruction goes on short retrieval queries only; passages and
 * symmetric tasks (STS, classification, clustering) take no instruction (BGE model card).
 */
export const BGE_EN_PROMPTS = {
  query: "Represent this sentence for searching relevant passages: ",
  passage: "",
  symmetric: "",
} as const satisfies ModelPrompts;

/** BGE Chinese v1.5: same rule as English, Chinese instruction (full-width colon, no trailing space). */
export const BGE_ZH_PROMPTS = {
  query: "为这个句子生成表示以用于检索相关文章：",
  passage: "",
  symmetric: "",
} as const satisfies ModelPrompts;

/**
 * E5 v2 and multilingual E5: "query: "/"passage: " for asymmetric retrieval; the E5 model card
 * says to use "query: " for symmetric tasks (semantic similarity, paraphrase, bitext mining).
 */
export const E5_PROMPTS = {
  query: "query: ",
  passage: "passage: ",
  symmetric: "query: ",
} as const satisfies ModelPrompts;

/**
 * nomic-embed-text v1.5 task prefixes. The card lists search_query, search_document,
 * classification and clustering. For the symmetric slot we use "classification: ", which is
 * what Nomic's own MTEB evaluation (contrastors eval_mteb.py, mirrored in mteb's
 * nomic_models.py) uses for STS, pair classification and classification. Clustering there uses
 * "clustering: ", which one symmetric slot cannot express: callers who cluster can prepend it.
 */
export const NOMIC_PROMPTS = {
  query: "search_query: ",
  passage: "search_document: ",
  symmetric: "classification: ",
} as const satisfies ModelPrompts;
