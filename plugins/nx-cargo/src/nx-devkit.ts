/**
 * The devkit functions the plugin calls at run time, taken from the `nx` the
 * workspace installed: @nx/devkit re-exports this very module, but a runtime
 * dependency on @nx/devkit N would require nx >= N-1 and so pin users to
 * recent Nx majors (types still come from @nx/devkit at build time).
 */
export { detectPackageManager, getPackageManagerCommand, globAsync, logger, parseJson, readJson, readNxJson, updateJson, updateNxJson } from 'nx/src/devkit-exports';
