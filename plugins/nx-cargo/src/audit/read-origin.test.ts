import assert from 'node:assert/strict';
import { it } from 'node:test';
import { envReadBy, fileReadBy } from './read-origin.js';

const main = {
  path: '/w/crates/app/src/main.rs',
  text: 'const D: &str = include_str!("../../../shared/data.txt");\nconst B: &[u8] = include_bytes!( "logo.png" );\ninclude!("/w/gen/abs.rs");\nconst M: &str = env!("APP_MODE");\nconst O: Option<&str> = option_env!("APP_OPT");\n',
};

it('fileReadBy: the macro whose literal path resolves to the file, relative to the source that holds it', () => {
  assert.equal(fileReadBy('/w/shared/data.txt', [main]), 'include_str!');
  assert.equal(fileReadBy('/w/crates/app/src/logo.png', [main]), 'include_bytes!');
  assert.equal(fileReadBy('/w/gen/abs.rs', [main]), 'include!');
  assert.equal(fileReadBy('/w/crates/app/src/other.rs', [main]), 'module source');
  assert.equal(fileReadBy('/w/crates/app/src/built-by-concat.txt', [main]), 'read at compile time');
});

it('envReadBy: env! or option_env! with the literal name, else the compiler\'s own record', () => {
  assert.equal(envReadBy('APP_MODE', [main]), 'env!');
  assert.equal(envReadBy('APP_OPT', [main]), 'option_env!');
  assert.equal(envReadBy('FROM_A_PROC_MACRO', [main]), 'recorded by the compiler');
});
