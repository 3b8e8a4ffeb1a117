/**
 * The editor plugin: a TypeScript language-service (tsserver) plugin that
 * serves the editor the same type view `tspc` checks (view-language-service.ts),
 * so VS Code and every tsserver-based editor show no TS1206 on
 * `@ray.remote function add`, and `add.remote` has its real type, completion
 * and hover, in the defining file and in files that import it.
 *
 * Enabled by the same tsconfig entry as the transform, with a `name`:
 *   { "transform": "@tsray/transformer", "transformProgram": true, "name": "@tsray/transformer" }
 *
 * Every language-service call first brings the views in step; results are
 * then made to read as the user's files:
 *  - diagnostics: mapped exactly as for `tspc` (view-diagnostics.ts), plus the TSRAY diagnostics;
 *  - definitions landing in the footer (`add.remote`) go to the decorator that generates it;
 *  - references, rename locations, highlights and navigation items in the footer are dropped:
 *    the footer is regenerated from the user's text, never edited.
 */
import type * as ts from "typescript";
import { hasFooter, type TypeView } from "./type-view.js";
import type { TypeScript } from "./typescript-instance.js";
import { mapViewDiagnostics, tsrayDiagnosticsFor } from "./view-diagnostics.js";
import { serveLanguageServiceViews, type LanguageServiceViews } from "./view-language-service.js";

/** What tsserver expects from a plugin factory's result. */
export interface LanguageServicePlugin {
  create(info: ts.server.PluginCreateInfo): ts.LanguageService;
}

/**
 * Methods that must not bring the views in step: `getCurrentProgram` is how tsserver starts
 * updating a project (a sync there would update it from inside its own update), and the others
 * do not read the program.
 */
const WITHOUT_SYNC = new Set<string>(["getCurrentProgram", "dispose", "cleanupSemanticCache"]);

/**
 * The members of a tsserver project used here (`PluginCreateInfo.project`): `markAsDirty` is public
 * but untyped, `updateFromProjectInProgress` internal (true while the project asks for its program).
 */
interface ServerProject {
  markAsDirty(): void;
  readonly updateFromProjectInProgress?: boolean;
}

export function createLanguageServicePlugin(ts: TypeScript): LanguageServicePlugin {
  return {
    create(info) {
      const inner = info.languageService;
      const project = info.project as unknown as ServerProject | undefined;
      const views = serveLanguageServiceViews(
        ts,
        info.languageServiceHost,
        inner,
        () => {
          if (project && !project.updateFromProjectInProgress) project.markAsDirty();
        },
        (message) => info.project?.projectService.logger.info(message),
      );
      const service = forwardWithSync(inner, views);
      return { ...service, ...mappedResults(inner, views) };
    },
  };
}

/** Every method of `inner`, each bringing the views in step before it runs. */
function forwardWithSync(inner: ts.LanguageService, views: LanguageServiceViews): ts.LanguageService {
  const service: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(inner)) {
    if (typeof value !== "function") continue;
    const method = value as (...args: unknown[]) => unknown;
    service[key] = WITHOUT_SYNC.has(key)
      ? method.bind(inner)
      : (...args: unknown[]) => {
          views.sync();
          return method.apply(inner, args);
        };
  }
  return service as unknown as ts.LanguageService;
}

/** The methods whose results can mention the footer, made to read as the user's files. */
function mappedResults(
  inner: ts.LanguageService,
  views: LanguageServiceViews,
): Partial<ts.LanguageService> {
  const { lookup } = views;
  /** The view of `fileName` when `start` lies in its footer. */
  const footerOf = (fileName: string, start: number): TypeView | undefined => {
    const view = lookup(fileName);
    return view && hasFooter(view) && start >= view.footerStart ? view : undefined;
  };
  const inUserText = (location: { fileName: string; textSpan: ts.TextSpan }) =>
    footerOf(location.fileName, location.textSpan.start) === undefined;
  /** A definition in the footer (`add.remote`, `namespace add`) is where its decorator is. */
  const toDecorator = <D extends ts.DefinitionInfo>(definition: D): D => {
    const view = footerOf(definition.fileName, definition.textSpan.start);
    if (!view) return definition;
    const block =
      view.footer.blocks.find((b) => definition.textSpan.start >= b.viewStart && definition.textSpan.start < b.viewEnd) ??
      view.footer.blocks[0];
    if (!block) return definition;
    const span = { start: block.userStart, length: block.userLength };
    const { contextSpan: _dropped, ...rest } = definition;
    return { ...rest, textSpan: span } as D;
  };
  const definitions = <D extends ts.DefinitionInfo>(found: readonly D[] | undefined): D[] | undefined => {
    if (!found) return found;
    const seen = new Set<string>();
    return found.map(toDecorator).filter((d) => {
      const key = `${d.fileName}:${d.textSpan.start}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  };
  const diagnostics = <D extends ts.Diagnostic>(fileName: string, found: readonly D[], withOwn: boolean): D[] => {
    const mapped = mapViewDiagnostics(found, lookup) as D[];
    if (!withOwn) return mapped;
    const file = inner.getProgram()?.getSourceFile(fileName);
    return [...mapped, ...((file ? tsrayDiagnosticsFor(file, lookup(fileName)) : []) as D[])];
  };
  const navigationTree = (fileName: string, tree: ts.NavigationTree): ts.NavigationTree | undefined => {
    const spans = tree.spans.filter((s) => footerOf(fileName, s.start) === undefined);
    if (spans.length === 0) return undefined;
    const childItems = tree.childItems
      ?.map((child) => navigationTree(fileName, child))
      .filter((c): c is ts.NavigationTree => c !== undefined);
    return { ...tree, spans, ...(childItems ? { childItems } : {}) };
  };

  return {
    getSemanticDiagnostics(fileName) {
      views.sync();
      return diagnostics(fileName, inner.getSemanticDiagnostics(fileName), true);
    },
    getSyntacticDiagnostics(fileName) {
      views.sync();
      return diagnostics(fileName, inner.getSyntacticDiagnostics(fileName), false);
    },
    getSuggestionDiagnostics(fileName) {
      views.sync();
      return diagnostics(fileName, inner.getSuggestionDiagnostics(fileName), false);
    },
    getDefinitionAtPosition(fileName, position, ...rest) {
      views.sync();
      return definitions(inner.getDefinitionAtPosition(fileName, position, ...rest));
    },
    getDefinitionAndBoundSpan(fileName, position) {
      views.sync();
      const found = inner.getDefinitionAndBoundSpan(fileName, position);
      const mapped = definitions(found?.definitions);
      return found && (mapped ? { ...found, definitions: mapped } : found);
    },
    getTypeDefinitionAtPosition(fileName, position) {
      views.sync();
      return definitions(inner.getTypeDefinitionAtPosition(fileName, position));
    },
    getReferencesAtPosition(fileName, position) {
      views.sync();
      return inner.getReferencesAtPosition(fileName, position)?.filter(inUserText);
    },
    findReferences(fileName, position) {
      views.sync();
      return inner
        .findReferences(fileName, position)
        ?.map((symbol) => ({ ...symbol, references: symbol.references.filter(inUserText) }))
        .filter((symbol) => symbol.references.length > 0);
    },
    findRenameLocations(fileName: string, position: number, inStrings: boolean, inComments: boolean, preferences?: boolean | ts.UserPreferences) {
      views.sync();
      // Two overloads (preferences object, or the older boolean): forwarded as given.
      const find = inner.findRenameLocations as (...a: unknown[]) => readonly ts.RenameLocation[] | undefined;
      return find.call(inner, fileName, position, inStrings, inComments, preferences)?.filter(inUserText);
    },
    getDocumentHighlights(fileName, position, filesToSearch) {
      views.sync();
      return inner
        .getDocumentHighlights(fileName, position, filesToSearch)
        ?.map((h) => ({ ...h, highlightSpans: h.highlightSpans.filter((s) => inUserText({ fileName: h.fileName, textSpan: s.textSpan })) }));
    },
    getNavigateToItems(...args) {
      views.sync();
      return inner.getNavigateToItems(...args).filter(inUserText);
    },
    getNavigationTree(fileName) {
      views.sync();
      const tree = inner.getNavigationTree(fileName);
      return navigationTree(fileName, tree) ?? { ...tree, childItems: [] };
    },
    getNavigationBarItems(fileName) {
      views.sync();
      const items = inner.getNavigationBarItems(fileName);
      const keep = (item: ts.NavigationBarItem): ts.NavigationBarItem | undefined => {
        const spans = item.spans.filter((s) => footerOf(fileName, s.start) === undefined);
        if (spans.length === 0) return undefined;
        const childItems = item.childItems.map(keep).filter((c): c is ts.NavigationBarItem => c !== undefined);
        return { ...item, spans, childItems };
      };
      return items.map(keep).filter((i): i is ts.NavigationBarItem => i !== undefined);
    },
    getOutliningSpans(fileName) {
      views.sync();
      return inner.getOutliningSpans(fileName).filter((s) => footerOf(fileName, s.textSpan.start) === undefined);
    },
  };
}
