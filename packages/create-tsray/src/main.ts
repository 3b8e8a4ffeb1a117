#!/usr/bin/env node
// `npm create tsray <directory>` runs this (npm maps `create tsray` to the create-tsray package's bin).
import { initCommand, runCommandLine } from "./init-command.js";

process.exitCode = await runCommandLine(initCommand("create-tsray"), process.argv.slice(2));
