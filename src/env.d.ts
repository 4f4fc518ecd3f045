// Worker vars and secrets arrive as strings; src/config/config-schema.ts parses and documents them.
interface Env {
  [name: string]: unknown;
}

declare namespace Cloudflare {
  interface GlobalProps {
    mainModule: typeof import('./index.ts');
  }
}
