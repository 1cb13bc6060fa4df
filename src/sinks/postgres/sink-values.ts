/**
 * L5: a vector as pgvector's text form (`[x,y,...]`, each float32 printed so it parses back to
 * the same float32), checked first (dimension, finite numbers) as every sink checks it.
 */
import { checkVector } from "../sink-checks.js";

/** pgvector's text form of a vector of exactly `dimension` finite numbers. */
export function vectorLiteral(vector: unknown, dimension: number, field: string): string {
  const v = checkVector(vector, dimension, field);
  const parts: string[] = new Array<string>(v.length);
  for (let i = 0; i < v.length; i++) parts[i] = String(v[i]);
  return `[${parts.join(",")}]`;
}
