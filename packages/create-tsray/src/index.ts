// create-tsray's library entry: what @tsray/cli builds `tsray init` from.
export { initCommand, runCommandLine, USAGE_EXIT_CODE } from "./init-command.js";
export { scaffold, type ScaffoldOptions, type ScaffoldResult } from "./scaffold.js";
export { PUBLISHED_RANGE, TSRAY_FROM_ENV, tsrayPackageSpecs, type TsrayPackageSpecs } from "./tsray-packages.js";
