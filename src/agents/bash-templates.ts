// The prompt templates of the built-in `bash` agent (Handlebars, plain text for the model).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Handlebars from 'handlebars';

export interface Templates {
  system: HandlebarsTemplateDelegate;
  instance: HandlebarsTemplateDelegate;
  observation: HandlebarsTemplateDelegate;
  formatError: HandlebarsTemplateDelegate;
  limitWarning: HandlebarsTemplateDelegate;
}

export const DEFAULT_TEMPLATES_DIR = fileURLToPath(new URL('./templates/', import.meta.url));

/** Reads and compiles the five templates (plain text for the model: no HTML escaping; missing fields throw). */
export function loadTemplates(dir: string): Templates {
  const compile = (file: string) => Handlebars.compile(readFileSync(path.join(dir, file), 'utf8'), { noEscape: true, strict: true });
  return {
    system: compile('system.hbs'),
    instance: compile('instance.hbs'),
    observation: compile('observation.hbs'),
    formatError: compile('format_error.hbs'),
    limitWarning: compile('limit_warning.hbs'),
  };
}

