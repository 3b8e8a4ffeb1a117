#!/usr/bin/env node
// The `tsray` bin. Exit status: 0 done, 1 the command failed, 2 a command line it does not understand.
import { runCommandLine } from "create-tsray";
import { tsrayProgram } from "./program.js";

process.exitCode = await runCommandLine(tsrayProgram(), process.argv.slice(2));
