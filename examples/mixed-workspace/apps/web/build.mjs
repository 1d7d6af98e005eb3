// Stands in for a real front-end build: writes one bundle file.
import { mkdirSync, writeFileSync } from 'node:fs';
mkdirSync('dist', { recursive: true });
writeFileSync('dist/index.js', 'export const greeting = "hello from web";\n');
console.log('web: wrote dist/index.js');
