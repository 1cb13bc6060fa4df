#!/usr/bin/env node
/** L6: the `embedkit` executable. */
import { main } from "./main.js";

main(process.argv.slice(2), { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, env: process.env }).then(
  (code) => {
    process.exitCode = code;
  },
);
