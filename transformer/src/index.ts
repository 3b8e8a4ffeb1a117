/**
 * @tsray/transformer: the compile-time half of tsray.
 *
 * The default export is the ts-patch program transformer, enabled in tsconfig.json by
 *   "plugins": [{ "transform": "@tsray/transformer", "transformProgram": true }]
 * The named exports are the pieces other tools (a loader hook, tests) reuse.
 */
import { transformProgram } from "./plugin-entry.js";

export default transformProgram;
export { transformProgram, type ProgramTransformerExtras } from "./plugin-entry.js";
export { createEmitTransformer, STUBS_MODULE, type EmitTransformOptions } from "./emit-transform.js";
export { FOOTER_MARKER } from "./footer.js";
export { TsrayDiagnosticCode, tsrayCodeName } from "./diagnostics.js";
export { remoteId, projectRelativePath } from "./module-id.js";
export type { RemoteMark } from "./type-view.js";
export type { TypeScript } from "./typescript-instance.js";
export { SUPPORTED_TYPESCRIPT, typeScriptVersionProblem } from "./typescript-version.js";
