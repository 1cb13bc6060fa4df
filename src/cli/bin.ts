#!/usr/bin/env node
/** L6: the `embedkit` executable. */
import { main } from "./main.js";

// Stdout errors are reported by the command that was writing (a closed pipe, as in
// `embedkit embed ... | head`, ends `embed` quietly; a full disk behind `>` is a typed error),
// which then disposes its model and returns. This listener only keeps such an error from
// crashing the process; exiting here, with the inference worker alive, aborted it natively.
process.stdout.on("error", (e: NodeJS.ErrnoException) => {
  if (e.code !== "EPIPE") process.exitCode = 1;
});

// LanceDB 0.31.0 logs a deprecation warning on stderr whenever an ANN index's statistics are read
// (`index info`, `search` on an index with an ANN index) unless this is set; "false" is its
// announced future default (statistics without the IVF centroids, which embedkit never reads).
process.env["LANCE_INCLUDE_VECTOR_CENTROIDS"] ??= "false";

main(process.argv.slice(2), {
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
}).then((code) => {
  process.exitCode = code;
});
