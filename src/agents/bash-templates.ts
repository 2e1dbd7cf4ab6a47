// The prompt templates of the built-in `bash` agent (Handlebars, plain text for the model).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Handlebars from 'handlebars';
import { readBuilt } from '../core/built-files.ts';

export interface Templates {
  system: HandlebarsTemplateDelegate;
  instance: HandlebarsTemplateDelegate;
  observation: HandlebarsTemplateDelegate;
  formatError: HandlebarsTemplateDelegate;
  limitWarning: HandlebarsTemplateDelegate;
}

export const DEFAULT_TEMPLATES_DIR = fileURLToPath(new URL('./templates/', import.meta.url));

/**
 * Compiled templates by source text, for the whole process: 64 attempts of one run compile each
 * template once, not 64 times. Keyed by the text (not the path), so a file whose text changed is
 * compiled again; the options are the same for every entry.
 */
const compiled = new Map<string, HandlebarsTemplateDelegate>();

/** The compiled delegate of `source` (plain text for the model: no HTML escaping; missing fields throw). */
function compileOnce(source: string): HandlebarsTemplateDelegate {
  let fn = compiled.get(source);
  if (!fn) {
    fn = Handlebars.compile(source, { noEscape: true, strict: true });
    compiled.set(source, fn);
  }
  return fn;
}

/**
 * Reads the five templates of `dir` (each call reads the files again; those of dist/ as the start-up
 * check hashed them, core/built-files.ts) and returns their compiled delegates, shared with every earlier load of the same texts.
 * @throws when a file is missing or cannot be read; a template that does not parse throws at its
 *   first use (Handlebars compiles lazily).
 */
export function loadTemplates(dir: string): Templates {
  const load = (file: string) => compileOnce(readBuilt(path.join(dir, file)).toString('utf8'));
  return {
    system: load('system.hbs'),
    instance: load('instance.hbs'),
    observation: load('observation.hbs'),
    formatError: load('format_error.hbs'),
    limitWarning: load('limit_warning.hbs'),
  };
}
