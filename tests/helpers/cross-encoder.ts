/**
 * Test helper: opens the test cross-encoder from the embedkit cache, offline. A missing model
 * is a test failure with the command that fetches it, never a skip.
 */
import { isEmbedkitError } from "../../src/errors.js";
import { TextCrossEncoder, type TextCrossEncoderOptions } from "../../src/rerank/text-cross-encoder.js";

export const TEST_CROSS_ENCODER = "embedkit-test/stsb-minilm-l6-cross-encoder";

export async function openTestCrossEncoder(options: TextCrossEncoderOptions = {}): Promise<TextCrossEncoder> {
  try {
    return await TextCrossEncoder.create({
      model: TEST_CROSS_ENCODER,
      ...options,
      store: { offline: true, ...options.store },
    });
  } catch (e) {
    if (isEmbedkitError(e) && ["offline_model_not_cached", "model_file_missing"].includes(e.code)) {
      throw new Error(
        `test model ${TEST_CROSS_ENCODER} is not in the cache: run \`npm run fetch-models\` first.\n${e.message}`,
      );
    }
    throw e;
  }
}
