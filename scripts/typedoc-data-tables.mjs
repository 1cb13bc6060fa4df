/**
 * TypeDoc plugin: the model table `MODELS` is one `as const` object, so TypeDoc would expand
 * every model's every field into its own undocumented property. The reference shows it by its
 * meaning instead (each id maps to a documented `ModelSpec`); the table itself is documented in
 * the README, generated from the registry.
 */
import { Converter, ReflectionKind, UnknownType } from "typedoc";

const TABLES = {
  MODELS: "{ readonly [id in ModelId]: ModelSpec }",
  SPARSE_MODELS: "{ readonly [id in SparseModelId]: SparseModelSpec }",
};

/** @param {import("typedoc").Application} app */
export function load(app) {
  app.converter.on(Converter.EVENT_RESOLVE_BEGIN, (context) => {
    for (const reflection of context.project.getReflectionsByKind(ReflectionKind.Variable)) {
      const shown = TABLES[reflection.name];
      if (!shown) continue;
      const literal = reflection.type?.type === "reflection" ? reflection.type.declaration : undefined;
      reflection.type = new UnknownType(shown);
      if (literal) context.project.removeReflection(literal);
    }
  });
}
