#!/usr/bin/env node
/**
 * `aws-iot-jobs-sim`: the standalone AWS IoT Jobs simulator. See `USAGE` in
 * `cli-args.ts`, or run it with `--help`.
 * @packageDocumentation
 */

import './cli-stop.js'; // first: it notes the parent process as early as it can
import { runCli } from './cli-main.js';

runCli(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`aws-iot-jobs-sim: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  },
);
