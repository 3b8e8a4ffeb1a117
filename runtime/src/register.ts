/**
 * `node --import tsray/register main.ts`: runs TypeScript directly, with the
 * tsray transform, in the driver and in every worker thread and process.
 *
 * The loader is the transformer's (`@tsray/transformer/register`): compiling
 * `@ray.remote` code needs the transform and TypeScript, which the runtime
 * itself never depends on. This entry forwards to it, so the spelling users
 * type is the runtime's, and says what to install when it is missing.
 * The specifier is a variable so the runtime's build does not need the
 * transformer's types (the transformer is built after the runtime).
 */
const LOADER = "@tsray/transformer/register";

try {
  await import(LOADER);
} catch (error) {
  const code = (error as { code?: unknown }).code;
  const missing = (code === "ERR_MODULE_NOT_FOUND" || code === "ERR_PACKAGE_PATH_NOT_EXPORTED") && String(error).includes("@tsray/transformer");
  if (!missing) throw error;
  throw new Error(
    "tsray/register compiles TypeScript with the tsray transform, which is in @tsray/transformer: " +
      "install it next to tsray (npm install --save-dev @tsray/transformer typescript ts-patch), then run again.",
    { cause: error },
  );
}

export {};
