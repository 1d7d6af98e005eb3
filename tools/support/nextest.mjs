// cargo-nextest for the tests of `testRunner: nextest`, at one pinned
// version (see CargoTool); its lockfile still resolves, so it installs with --locked.
import { CargoTool } from './test-tools.mjs';

export const NEXTEST = new CargoTool({ crate: 'cargo-nextest', version: '0.9.143', locked: true, minutes: 10 });

export const requireNextest = () => NEXTEST.require();
