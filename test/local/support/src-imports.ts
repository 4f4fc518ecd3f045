import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/** The Worker's source folder. */
export const SRC = resolve(import.meta.dirname, '../../../src');

// `import ... from '…'`, `export ... from '…'` and `import '…'`, type-only ones included: a type
// import that loops back still ties two files into one unit a reader must hold in mind at once.
export const IMPORT = /(?:^|\n)\s*(?:import|export)\s(?:[^'";]*?\sfrom\s)?\s*['"]([^'"]+)['"]/g;

/** Every .ts file below `folder`, as absolute paths. */
export function sourceFiles(folder: string = SRC): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** What one file imports: other files of src/ (relative to src/) and packages (by name). */
export function importsOf(file: string): { files: string[]; packages: string[] } {
  const specifiers = [...readFileSync(file, 'utf8').matchAll(IMPORT)].map((match) => match[1] ?? '');
  return {
    files: specifiers
      .filter((specifier) => specifier.startsWith('.'))
      .map((specifier) => relative(SRC, resolve(dirname(file), specifier))),
    packages: specifiers.filter((specifier) => !specifier.startsWith('.')),
  };
}
