/**
 * L7: the file `embedkit eval --report` writes. Checked before anything is evaluated (its
 * extension names a format, its folder exists), opened through OutputFile (temp file renamed
 * into place when the report is complete), and the published scores it compares with, read from
 * `--published FILE` or `<data dir>/published-mteb.json` when that exists.
 */
import { existsSync } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { z } from "zod";
import { EmbedkitError, ERROR_CODES } from "../errors.js";
import {
  renderReport,
  reportFormatOf,
  type PublishedScores,
  type ReportFormat,
  type ReportRun,
} from "../eval/index.js";
import { OutputFile } from "./output-file.js";

const PublishedFile = z.object({ scores: z.record(z.string(), z.record(z.string(), z.number())) });

export class ReportFile {
  private constructor(
    readonly path: string,
    readonly format: ReportFormat,
    private readonly out: OutputFile,
  ) {}

  /** Checks the path (INVALID_OPTION: unknown extension, missing folder) and opens it. */
  static async open(path: string): Promise<ReportFile> {
    const format = reportFormatOf(path, "--report");
    const dir = dirname(resolve(path));
    const dirStat = await stat(dir).catch(() => undefined);
    if (!dirStat?.isDirectory()) {
      throw new EmbedkitError(
        ERROR_CODES.INVALID_OPTION,
        `--report "${path}": its folder ${dir} ${dirStat ? "is not a folder" : "does not exist"}; create it first`,
        { flag: "--report", field: "report", value: path, folder: dir },
      );
    }
    return new ReportFile(path, format, await OutputFile.open(path));
  }

  /** Renders the runs and puts the file in place. */
  async write(runs: readonly ReportRun[], published: PublishedScores | undefined, note: string): Promise<void> {
    try {
      await this.out.write(Buffer.from(renderReport(this.format, { runs, ...(published ? { published } : {}), note })));
      await this.out.commit();
    } catch (e) {
      await this.out.abandon();
      throw e;
    }
  }

  /** Leaves no file behind (the evaluation failed). */
  async abandon(): Promise<void> {
    await this.out.abandon();
  }
}

/** Published scores from `file`, or from `<dataDir>/published-mteb.json` when present; INVALID_OPTION if unreadable. */
export async function readPublished(
  file: string | undefined,
  dataDir: string | undefined,
): Promise<PublishedScores | undefined> {
  const path = file ?? (dataDir !== undefined ? join(dataDir, "published-mteb.json") : undefined);
  if (path === undefined || (file === undefined && !existsSync(path))) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(path, "utf8"));
  } catch (e) {
    throw new EmbedkitError(
      ERROR_CODES.INVALID_OPTION,
      `--published "${path}" cannot be read as JSON: ${(e as Error).message}`,
      { flag: "--published", value: path },
    );
  }
  const ok = PublishedFile.safeParse(parsed);
  if (!ok.success) {
    throw new EmbedkitError(
      ERROR_CODES.INVALID_OPTION,
      `--published "${path}" must hold {"scores": {model: {task: score x100}}}: ${ok.error.issues[0]?.message ?? "invalid"} at ${ok.error.issues[0]?.path.join(".") ?? ""}`,
      { flag: "--published", value: path },
    );
  }
  return ok.data.scores;
}
