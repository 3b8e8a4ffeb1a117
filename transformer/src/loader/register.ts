/**
 * `node --import @tsray/transformer/register main.ts` (or `tsray/register`, which
 * forwards here): runs TypeScript without a build, with the tsray transform.
 *
 * Registers the loader hooks (loader-hooks.ts) for this thread. Node 20 runs
 * `--import` modules again in every worker thread (which inherits the driver's
 * execArgv) and in every child process (forked with it), so each of them
 * registers its own hooks: remote code loads there as it does in the driver.
 * Source maps are turned on so stack traces point at the `.ts` lines.
 */
import { register } from "node:module";

process.setSourceMapsEnabled(true);
register("./loader-hooks.js", import.meta.url);
