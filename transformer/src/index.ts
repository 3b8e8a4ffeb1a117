/**
 * @tsray/transformer: the compile-time half of tsray.
 *
 * The default export is the plugin both tools load from one tsconfig.json entry:
 *   "plugins": [{ "transform": "@tsray/transformer", "transformProgram": true, "name": "@tsray/transformer" }]
 * ts-patch (`tspc`) runs it as a program transformer, tsserver (the editor) as a
 * language-service plugin (plugin-module.ts). The CommonJS entry (cjs/plugin.js),
 * which both `require`, is that function itself.
 * The named exports are the pieces other tools (a loader hook, tests) reuse.
 */
import { tsrayPlugin } from "./plugin-module.js";

export default tsrayPlugin;
export { tsrayPlugin, MISSING_TRANSFORM_PROGRAM, type TsserverModules } from "./plugin-module.js";
export { transformProgram, type ProgramTransformerExtras } from "./plugin-entry.js";
export { createLanguageServicePlugin, type LanguageServicePlugin } from "./language-service-plugin.js";
export { createEmitTransformer, STUBS_MODULE, type EmitTransformOptions } from "./emit-transform.js";
export { FOOTER_MARKER } from "./footer.js";
export { TsrayDiagnosticCode, tsrayCodeName } from "./diagnostics.js";
export { remoteId, projectRelativePath } from "./module-id.js";
export type { RemoteMark } from "./type-view.js";
export type { TypeScript } from "./typescript-instance.js";
export { SUPPORTED_TYPESCRIPT, typeScriptVersionProblem } from "./typescript-version.js";
