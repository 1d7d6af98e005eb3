// Stands in for a real front-end build: asks the Rust CLI (built first by
// `nx build web`, restored from the Nx cache when unchanged) for a value and
// writes it into the bundle.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';

const area = execFileSync('../../target/debug/area-cli', ['4', '5'], { encoding: 'utf8' }).trim();
mkdirSync('dist', { recursive: true });
writeFileSync('dist/index.js', `export const area = ${area};\n`);
console.log(`web: wrote dist/index.js (area ${area}, computed by area-cli)`);
