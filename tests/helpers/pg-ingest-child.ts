/**
 * Test helper process: ingests `count` generated documents into a PgVectorSink (late chunking,
 * small batches, so there are many transactions) and exits; the parent test SIGKILLs it mid-way.
 * argv: url table count model
 */
import { ingest } from "../../src/sinks/ingest.js";
import { PgVectorSink } from "../../src/sinks/postgres/pg-vector-sink.js";
import { openTestModel } from "./models.js";
import { generatedDocuments, KILL_INGEST_CHUNKING } from "./pg-ingest-docs.js";

const [url, table, count, modelId] = process.argv.slice(2) as [string, string, string, string];
const model = await openTestModel(modelId, { intraOpThreads: 1 });
const sink = await PgVectorSink.open({ url, table, model: model.modelId, dimension: model.dim });
process.stdout.write("ingesting\n");
await ingest(sink, generatedDocuments(Number(count)), { model, chunk: KILL_INGEST_CHUNKING, batchDocuments: 3 });
process.stdout.write("finished\n");
await sink.close();
await model.dispose();
