/**
 * L6: the OpenAPI 3.1 document, generated from the route table and its zod schemas (zod 4's
 * JSON Schema output is draft 2020-12, which OpenAPI 3.1 uses as is).
 */
import { z } from "zod";
import type { Route } from "./pipeline.js";
import { openaiError, teiError } from "./schemas.js";

type JsonObject = Record<string, unknown>;

function schemaName(schema: z.ZodType, fallback: string): string {
  const meta = schema.meta() as { id?: unknown } | undefined;
  return typeof meta?.id === "string" ? meta.id : fallback;
}

export function buildOpenApi(
  routes: readonly Route[],
  info: { title: string; version: string; description: string },
): JsonObject {
  const components: JsonObject = {};
  const ref = (schema: z.ZodType, fallback: string, io: "input" | "output"): JsonObject => {
    const name = schemaName(schema, fallback);
    if (!(name in components)) {
      const json = z.toJSONSchema(schema, { io, unrepresentable: "any" }) as JsonObject;
      delete json["$schema"];
      delete json["id"];
      components[name] = json;
    }
    return { $ref: `#/components/schemas/${name}` };
  };
  const errorRefs = {
    tei: ref(teiError, "ErrorResponse", "output"),
    openai: ref(openaiError, "OpenAIErrorResponse", "output"),
  };

  const paths: Record<string, JsonObject> = {};
  for (const route of routes) {
    const error = { description: "Error", content: { "application/json": { schema: errorRefs[route.dialect] } } };
    const responses: JsonObject = {
      "200": {
        description: "OK",
        ...(route.response
          ? {
              content: {
                [route.responseContentType ?? "application/json"]: {
                  schema: ref(route.response, `${route.operationId}Response`, "output"),
                },
              },
            }
          : route.responseContentType
            ? { content: { [route.responseContentType]: { schema: { type: "string" } } } }
            : {}),
      },
    };
    if (route.request) {
      responses["400"] = {
        ...error,
        description: "The body is not valid JSON, or an input is empty (on /v1: any request problem)",
      };
      responses["413"] = { ...error, description: "The body is larger than --max-body-bytes" };
      responses["415"] = { ...error, description: "The Content-Type is not application/json" };
      responses["422"] = {
        ...error,
        description: "A field has a wrong type or value, an input is too long, too many inputs (400 on /v1)",
      };
      responses[route.dialect === "openai" ? "500" : "424"] = {
        ...error,
        description: "The model failed (a runtime failure, or NaN/Infinity in its output)",
      };
    }
    if (route.admitted)
      responses["429"] = { ...error, description: "Overloaded: too many concurrent requests or queued inputs" };
    if (!route.public)
      responses["401"] = { ...error, description: "Missing or wrong API key (when the server has one)" };
    responses["503"] = { ...error, description: "Shutting down or unhealthy" };
    const operation: JsonObject = {
      operationId: route.operationId,
      summary: route.summary,
      tags: [route.tag],
      responses,
      ...(route.public ? { security: [] } : {}),
      ...(route.request
        ? {
            requestBody: {
              required: true,
              content: { "application/json": { schema: ref(route.request, `${route.operationId}Request`, "input") } },
            },
          }
        : {}),
    };
    route.paths.forEach((path, i) => {
      paths[path] = {
        ...paths[path],
        [route.method.toLowerCase()]: i === 0 ? operation : { ...operation, operationId: `${route.operationId}_${i}` },
      };
    });
  }
  return {
    openapi: "3.1.0",
    info,
    paths,
    components: { schemas: components, securitySchemes: { bearer: { type: "http", scheme: "bearer" } } },
    security: [{ bearer: [] }],
  };
}
