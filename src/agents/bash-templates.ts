// The prompt templates of the built-in `bash` agent (Handlebars, plain text for the model).
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import Handlebars from 'handlebars';
import { readBuilt } from '../core/built-files.ts';
import { loadPrecompiled } from '../report/templates-precompiled.ts';

export interface Templates {
  system: HandlebarsTemplateDelegate;
  instance: HandlebarsTemplateDelegate;
  observation: HandlebarsTemplateDelegate;
  formatError: HandlebarsTemplateDelegate;
  limitWarning: HandlebarsTemplateDelegate;
}

export const DEFAULT_TEMPLATES_DIR = fileURLToPath(new URL('./templates/', import.meta.url));

/** Compile options of every template: plain text for the model (no HTML escaping); a missing field throws. */
export const BASH_TEMPLATE_OPTIONS = Object.freeze({ noEscape: true, strict: true } as const);

/**
 * Compiled templates by source text, for the whole process: 64 attempts of one run compile each
 * template once, not 64 times. Keyed by the text (not the path), so a file whose text changed is
 * compiled again; the options are the same for every entry.
 */
const compiled = new Map<string, HandlebarsTemplateDelegate>();

/**
 * The compiled delegate of `source` (file `name` of `dir`, without `.hbs`): the build's precompiled
 * template of the bundled templates when it was made from this very source with these options (src/report/templates-precompiled.ts;
 * the same function handlebars would compile, without its compiler's 30–70 ms of CPU on a run's
 * first turns), else compiled here.
 */
function compileOnce(dir: string, name: string, source: string): HandlebarsTemplateDelegate {
  let fn = compiled.get(source);
  if (!fn) {
    const spec = precompiledOf(dir)?.(name, source);
    fn = spec ? Handlebars.template(spec) : Handlebars.compile(source, { ...BASH_TEMPLATE_OPTIONS });
    compiled.set(source, fn);
  }
  return fn;
}

/**
 * The build's precompiled table of the bundled templates, read once (null: none, as from src/).
 * Only the package's own folder: a `precompiled.cjs` is code, and a folder of the user's own
 * templates (`templatesDir`) is only ever read as text.
 */
let bundled: ReturnType<typeof loadPrecompiled> | undefined;
function precompiledOf(dir: string): ReturnType<typeof loadPrecompiled> {
  if (path.resolve(dir) !== path.resolve(DEFAULT_TEMPLATES_DIR)) return null;
  return (bundled ??= loadPrecompiled(pathToFileURL(path.join(path.resolve(DEFAULT_TEMPLATES_DIR), path.sep)), BASH_TEMPLATE_OPTIONS));
}

/**
 * Reads the five templates of `dir` (each call reads the files again; those of dist/ as the start-up
 * check hashed them, core/built-files.ts) and returns their compiled delegates, shared with every earlier load of the same texts.
 * @throws when a file is missing or cannot be read; a template that does not parse throws at its
 *   first use (Handlebars compiles lazily).
 */
export function loadTemplates(dir: string): Templates {
  const load = (file: string) => compileOnce(dir, file.slice(0, -'.hbs'.length), readBuilt(path.join(dir, file)).toString('utf8'));
  return {
    system: load('system.hbs'),
    instance: load('instance.hbs'),
    observation: load('observation.hbs'),
    formatError: load('format_error.hbs'),
    limitWarning: load('limit_warning.hbs'),
  };
}
