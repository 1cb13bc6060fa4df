#!/usr/bin/env node
/** L6: the `embedkit` executable. */
import { main } from "./main.js";

// A closed pipe (`embedkit embed ... | head`) ends the program quietly, as Unix tools do. Any
// other stdout error (a full disk behind `>`) is reported by the command that was writing, as a
// typed error; this listener only keeps it from crashing the process with a stack trace.
process.stdout.on("error", (e: NodeJS.ErrnoException) => {
  if (e.code === "EPIPE") process.exit(0);
  process.exitCode = 1;
});

main(process.argv.slice(2), {
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
}).then((code) => {
  process.exitCode = code;
});
