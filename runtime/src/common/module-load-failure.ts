/**
 * Whether a worker that died before it ever spoke died of a module that
 * failed to load: tsray's worker runtime itself, or a module a Node option
 * of the program preloads into every thread and process (`--import`,
 * `--require`, `--loader`; workers inherit `process.execArgv`). Such a worker
 * fails the same way each time it starts, so its tasks are not retried.
 *
 * Node's codes for an import that cannot be resolved or read, and a syntax
 * error (a module that cannot be parsed, e.g. TypeScript without a loader).
 */
const LOAD_FAILURE_CODES: ReadonlySet<string> = new Set([
  "ERR_MODULE_NOT_FOUND",
  "MODULE_NOT_FOUND",
  "ERR_UNKNOWN_FILE_EXTENSION",
  "ERR_UNSUPPORTED_DIR_IMPORT",
  "ERR_UNSUPPORTED_ESM_URL_SCHEME",
  "ERR_PACKAGE_PATH_NOT_EXPORTED",
  "ERR_INVALID_PACKAGE_CONFIG",
  "ERR_INVALID_MODULE_SPECIFIER",
  "ERR_REQUIRE_ESM",
  "ERR_UNKNOWN_MODULE_FORMAT",
]);

export function isModuleLoadFailure(error: Error | undefined): boolean {
  if (error === undefined) return false;
  const code = (error as { code?: unknown }).code;
  return (typeof code === "string" && LOAD_FAILURE_CODES.has(code)) || error.name === "SyntaxError";
}

/** The message of a task whose worker died loading a module before it could run anything. */
export function workerLoadFailureMessage(taskName: string, workerId: string, error: Error): string {
  return (
    `Task ${taskName} could not run: its worker (${workerId}) failed to start, a module it loads before any task ` +
    `failed to load: ${error.name}: ${error.message}. That is tsray's worker runtime (was it bundled? keep tsray ` +
    "external), or a module that a Node option of this program preloads into every worker (--import, --require, " +
    "--loader: workers inherit process.execArgv). Not retried: every new worker would fail the same way."
  );
}
