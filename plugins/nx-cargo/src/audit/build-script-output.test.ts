import assert from 'node:assert/strict';
import { it } from 'node:test';
import { parseBuildScriptOutput } from './build-script-output.js';

it('parseBuildScriptOutput: both instruction forms; the script\'s own output and metadata are skipped', () => {
  const output = parseBuildScriptOutput(
    [
      'cargo::rerun-if-changed=build.rs',
      'cargo:rerun-if-changed=../../shared/schema.json',
      'cargo:rerun-if-env-changed=PROTOC',
      'cargo::rerun-if-env-changed=APP_FLAVOR',
      'cargo:rustc-env=BUILT_AT=noon',
      'cargo::rustc-env=GIT_HASH=abc=def',
      'cargo:rustc-cfg=has_feature',
      'cargo::metadata=include=/x',
      'generating bindings...',
      '  cargo:rerun-if-changed=indented-is-not-an-instruction',
      '',
    ].join('\n'),
  );
  assert.deepEqual(output, {
    rerunIfChanged: ['build.rs', '../../shared/schema.json'],
    rerunIfEnvChanged: ['PROTOC', 'APP_FLAVOR'],
    rustcEnv: ['BUILT_AT', 'GIT_HASH'],
  });
});
