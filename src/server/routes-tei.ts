/**
 * L6: TEI's routes: POST /embed (also at POST / and POST /invocations, where TEI serves an
 * embedding model's embed route, for huggingface_hub's InferenceClient and SageMaker), /tokenize,
 * /decode.
 */
import type { PromptName, TruncationDirection } from "../types.js";
import { checkIds, checkTexts, precisionOf } from "./embed-service.js";
import { defineRoute, type Route } from "./pipeline.js";
import type { RouteDeps } from "./route-deps.js";
import {
  decodeRequest,
  decodeResponse,
  embedRequest,
  embedResponse,
  tokenizeRequest,
  tokenizeResponse,
  type TokenizeResponse,
} from "./schemas.js";

const asList = (inputs: string | string[]): string[] => (typeof inputs === "string" ? [inputs] : inputs);

export function teiRoutes(deps: RouteDeps): Route[] {
  const { model, service, config } = deps;
  return [
    defineRoute({
      method: "POST",
      paths: ["/embed", "/", "/invocations"],
      operationId: "embed",
      summary: "Embed texts (TEI). Over-long inputs are refused (422) unless `truncate` is true.",
      tag: "TEI",
      dialect: "tei",
      admitted: true,
      request: embedRequest,
      response: embedResponse,
      async handle(ctx, body) {
        const out = await service.embed(
          {
            inputs: { texts: asList(body.inputs) },
            field: "inputs",
            truncate: body.truncate ?? config.autoTruncate,
            truncationDirection: (body.truncation_direction?.toLowerCase() ?? "right") as TruncationDirection,
            promptName: body.prompt_name ?? undefined,
            normalize: body.normalize ?? true,
            dimensions: body.dimensions ?? undefined,
            precision: precisionOf(body),
            tooLongHint: 'send "truncate": true to cut it',
          },
          ctx,
        );
        return { json: out.vectors.map((v) => Array.from(v)) };
      },
    }),
    defineRoute({
      method: "POST",
      paths: ["/tokenize"],
      operationId: "tokenize",
      summary: "Tokenize texts with the model's tokenizer. Offsets are UTF-16 code units: `text.slice(start, stop)`.",
      tag: "TEI",
      dialect: "tei",
      admitted: true,
      request: tokenizeRequest,
      response: tokenizeResponse,
      async handle(_ctx, body) {
        const texts = asList(body.inputs);
        checkTexts(texts, "inputs", service.limits);
        const prefix = body.prompt_name ? model.spec.prompts[body.prompt_name as PromptName] : "";
        const special = body.add_special_tokens ?? true;
        const out: TokenizeResponse = [];
        for (const text of texts) {
          const prompted = prefix + text;
          const t = await model.tokenizer.tokens(prompted);
          const tokens = t.ids.map((id, i) => {
            const isSpecial = t.special[i] ?? false;
            const [start, stop] = t.offsets[i] ?? [0, 0];
            return {
              id,
              text: isSpecial ? (t.tokens[i] ?? "") : prompted.slice(start, stop),
              special: isSpecial,
              start: isSpecial ? null : start,
              stop: isSpecial ? null : stop,
            };
          });
          out.push(special ? tokens : tokens.filter((tok) => !tok.special));
        }
        return { json: out };
      },
    }),
    defineRoute({
      method: "POST",
      paths: ["/decode"],
      operationId: "decode",
      summary: "Turn token ids back into text.",
      tag: "TEI",
      dialect: "tei",
      admitted: true,
      request: decodeRequest,
      response: decodeResponse,
      async handle(_ctx, body) {
        const lists =
          body.ids.length > 0 && Array.isArray(body.ids[0]) ? (body.ids as number[][]) : [body.ids as number[]];
        const vocab = model.tokenizer.vocabSize;
        lists.forEach((ids, i) =>
          checkIds(ids, lists.length === 1 && !Array.isArray(body.ids[0]) ? "ids" : `ids[${i}]`, vocab),
        );
        const skip = body.skip_special_tokens ?? true;
        return { json: await Promise.all(lists.map((ids) => model.tokenizer.decode(ids, skip))) };
      },
    }),
  ];
}
