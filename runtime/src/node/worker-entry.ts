/**
 * Where worker threads and processes start: `thread/worker-main.js`, a file of
 * the installed tsray package, found beside this module.
 *
 * A bundler that copies tsray into the program's bundle (esbuild `--bundle`,
 * webpack, rollup without externals) leaves that file behind: `import.meta.url`
 * is then the bundle's and every worker would fail to start, each retry like
 * the last. `checkWorkerEntry` finds this once, before any thread starts, and
 * says what to change: keep tsray out of the bundle (it stays in node_modules,
 * where the workers find it).
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { TsrayError } from "../common/errors.js";

export const workerMainUrl = new URL("../thread/worker-main.js", import.meta.url);

/** Throws, saying what to mark external, when the worker entry is not where tsray's files should be. */
export function checkWorkerEntry(): void {
  const path = fileURLToPath(workerMainUrl);
  if (existsSync(path)) return;
  throw new TsrayError(
    "TSRAY_RUNTIME",
    `ray.init(): tsray cannot start workers: their entry point ${path} does not exist. ` +
      `tsray seems to have been bundled into ${fileURLToPath(import.meta.url)}; workers need tsray's own files. ` +
      "Keep tsray out of the bundle and install it beside it (esbuild: --external:tsray or --packages=external; " +
      "webpack: externals: { tsray: \"module tsray\" }; rollup/Vite: external: [\"tsray\"]). " +
      "Remote code must also live in a module of its own (an entry point of its own with esbuild --splitting), " +
      "or its module's top-level program must be guarded from workers: see \"Bundlers\" in tsray's README.",
  );
}
